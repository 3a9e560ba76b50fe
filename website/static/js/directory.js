// The directory's progressive enhancements: a map of the listed places, and sorting the list by
// distance from where the visitor is. The position stays in the browser: it is never sent.
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

    function initNearMe() {
        var wrapper = document.querySelector(".directory__near-me");
        var list = document.querySelector("[data-places]");
        if (!wrapper || !list || !("geolocation" in navigator)) {
            return;
        }
        wrapper.hidden = false;
        var button = wrapper.querySelector("[data-near-me]");
        var statusText = wrapper.querySelector("[data-near-me-status]");
        button.addEventListener("click", function () {
            statusText.textContent = "Recherche de votre position…";
            navigator.geolocation.getCurrentPosition(function (position) {
                var here = position.coords;
                var items = Array.prototype.slice.call(list.children);
                items.sort(function (a, b) {
                    var da = a.dataset.lat ? distance(here.latitude, here.longitude, +a.dataset.lat, +a.dataset.lon) : Infinity;
                    var db = b.dataset.lat ? distance(here.latitude, here.longitude, +b.dataset.lat, +b.dataset.lon) : Infinity;
                    return da - db;
                });
                items.forEach(function (item) { list.appendChild(item); });
                statusText.textContent = "Liste triée du plus proche au plus loin de vous.";
            }, function () {
                statusText.textContent = "Votre position n'est pas disponible : utilisez le code postal.";
            }, { timeout: 10000, maximumAge: 600000 });
        });
    }

    document.addEventListener("DOMContentLoaded", function () {
        initMap();
        initNearMe();
    });
})();
