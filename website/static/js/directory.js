// The directory's progressive enhancements: a map of the listed places, and sorting by distance
// from where the visitor is. The position stays in the browser: it is never sent. The browser
// asks, with the filters only, for every matching place and compares them itself.
(function () {
    "use strict";

    function initMap() {
        var element = document.getElementById("carte");
        var data = document.getElementById("lieux-carte");
        if (!element || !data || typeof L === "undefined") {
            return;
        }
        var places = JSON.parse(data.textContent);
        var map = L.map(element, { scrollWheelZoom: false });
        // Markers show even when the tiles cannot load (offline, blocked).
        L.tileLayer(element.dataset.tiles, { maxZoom: 18, attribution: element.dataset.attribution }).addTo(map);
        L.Icon.Default.imagePath = element.ownerDocument.querySelector('link[href*="leaflet.css"]').href.replace(/leaflet\.css.*$/, "images/");
        var bounds = [];
        places.forEach(function (place) {
            var marker = L.marker([place.lat, place.lon], { title: place.nom, alt: place.nom }).addTo(map);
            var popup = document.createElement("div");
            var link = document.createElement("a");
            link.href = place.url;
            link.textContent = place.nom;
            var state = document.createElement("p");
            state.textContent = place.etat;
            popup.appendChild(link);
            popup.appendChild(state);
            marker.bindPopup(popup);
            bounds.push([place.lat, place.lon]);
        });
        if (bounds.length === 1) {
            map.setView(bounds[0], 15);
        } else {
            map.fitBounds(bounds, { padding: [24, 24] });
        }
    }

    function distance(lat1, lon1, lat2, lon2) {
        var rad = Math.PI / 180;
        var a = Math.pow(Math.sin((lat2 - lat1) * rad / 2), 2) +
            Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.pow(Math.sin((lon2 - lon1) * rad / 2), 2);
        return 12742 * Math.asin(Math.sqrt(a));
    }

    var NEAREST_SHOWN = 10;

    function distanceTo(here, lat, lon) {
        return distance(here.latitude, here.longitude, lat, lon);
    }

    // « à 350 m », « à 1,2 km »: how far, written the French way.
    function distanceText(km) {
        if (km < 1) {
            return "à " + Math.max(10, Math.round(km * 100) * 10).toLocaleString("fr-FR") + " m";
        }
        return "à " + km.toLocaleString("fr-FR", { minimumFractionDigits: 1, maximumFractionDigits: 1 }) + " km";
    }

    // The directory's filters as the page has them, without its page number nor its postcode:
    // the request for every matching place carries nothing else, never the position.
    function filtersOnly() {
        var params = new URLSearchParams(window.location.search);
        params.delete("page");
        params.delete("code_postal");
        var query = params.toString();
        return query ? "?" + query : "";
    }

    function sortCards(list, here) {
        var items = Array.prototype.slice.call(list.children);
        items.sort(function (a, b) {
            var da = a.dataset.lat ? distanceTo(here, +a.dataset.lat, +a.dataset.lon) : Infinity;
            var db = b.dataset.lat ? distanceTo(here, +b.dataset.lat, +b.dataset.lon) : Infinity;
            return da - db;
        });
        items.forEach(function (item) { list.appendChild(item); });
    }

    function showNearest(section, places, here) {
        var list = section.querySelector("[data-nearest-list]");
        var nearest = places.map(function (place) {
            return { place: place, km: distanceTo(here, place.lat, place.lon) };
        }).sort(function (a, b) { return a.km - b.km; }).slice(0, NEAREST_SHOWN);
        list.textContent = "";
        nearest.forEach(function (entry) {
            var item = document.createElement("li");
            var link = document.createElement("a");
            link.href = entry.place.url;
            link.textContent = entry.place.nom;
            item.appendChild(link);
            var where = entry.place.commune ? entry.place.commune + ", " : "";
            item.appendChild(document.createTextNode(" — " + where + distanceText(entry.km)));
            list.appendChild(item);
        });
        section.hidden = nearest.length === 0;
        return nearest.length;
    }

    function initNearMe() {
        var wrapper = document.querySelector(".directory__near-me");
        var list = document.querySelector("[data-places]");
        var section = document.querySelector("[data-nearest]");
        if (!wrapper || !list || !section || !("geolocation" in navigator) || !window.fetch) {
            return;
        }
        wrapper.hidden = false;
        var button = wrapper.querySelector("[data-near-me]");
        var statusText = wrapper.querySelector("[data-near-me-status]");
        var done = function (message) {
            statusText.textContent = message;
            button.disabled = false;
        };
        button.addEventListener("click", function () {
            button.disabled = true;
            statusText.textContent = "Recherche de votre position…";
            navigator.geolocation.getCurrentPosition(function (position) {
                var here = position.coords;
                sortCards(list, here);
                statusText.textContent = "Recherche des lieux les plus proches…";
                fetch(wrapper.dataset.nearMeUrl + filtersOnly(), {
                    headers: { Accept: "application/json" },
                    credentials: "same-origin",
                }).then(function (response) {
                    if (!response.ok) {
                        throw new Error(response.status);
                    }
                    return response.json();
                }).then(function (data) {
                    var shown = showNearest(section, data.lieux, here);
                    if (!shown) {
                        done("Aucun des lieux trouvés n'a de position connue : les lieux de cette page restent dans leur ordre.");
                        return;
                    }
                    done("Les lieux les plus proches de vous sont listés au-dessus des résultats, et ceux de cette page sont triés du plus proche au plus loin." +
                        (data.complet ? "" : " Seule une partie des lieux a pu être comparée : ajoutez un critère pour affiner."));
                }).catch(function () {
                    done("La liste de tous les lieux n'a pas pu être chargée : seuls les lieux de cette page sont triés du plus proche au plus loin. Réessayez, ou utilisez le code postal.");
                });
            }, function (error) {
                done(error.code === error.PERMISSION_DENIED ?
                    "Vous n'avez pas autorisé l'accès à votre position : utilisez plutôt le code postal." :
                    "Votre position n'est pas disponible : utilisez le code postal.");
            }, { timeout: 10000, maximumAge: 600000 });
        });
    }

    document.addEventListener("DOMContentLoaded", function () {
        initMap();
        initNearMe();
    });
})();
