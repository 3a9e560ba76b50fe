/* Suggestions under the site's search box, as the ARIA combobox pattern describes.
   Without this script the box is a plain form that opens the results page. */
(function () {
    "use strict";
    const input = document.getElementById("site-search-q");
    if (!input || !input.form || !window.fetch || !window.AbortController) {
        return;
    }
    const form = input.form;
    const endpoint = new URL("suggestions/", form.action).href;
    const list = document.createElement("ul");
    const status = document.createElement("p");
    let options = [];
    let active = -1;
    let timer = null;
    let pending = null;

    list.id = "site-search-suggestions";
    list.className = "search-suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    status.className = "visually-hidden";
    // A live region without the status role: the results page keeps the only role="status".
    status.setAttribute("aria-live", "polite");
    status.setAttribute("aria-atomic", "true");
    form.classList.add("site-search--suggests");
    form.append(list, status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");

    function close() {
        list.hidden = true;
        input.setAttribute("aria-expanded", "false");
        input.removeAttribute("aria-activedescendant");
        active = -1;
    }

    function select(index) {
        options.forEach(function (option, position) {
            option.setAttribute("aria-selected", position === index ? "true" : "false");
        });
        active = index;
        if (index >= 0) {
            input.setAttribute("aria-activedescendant", options[index].id);
            options[index].scrollIntoView({block: "nearest"});
        } else {
            input.removeAttribute("aria-activedescendant");
        }
    }

    function show(suggestions) {
        list.replaceChildren();
        options = suggestions.map(function (suggestion, position) {
            // An option holds text, not a link: a listbox's options are its only controls.
            const option = document.createElement("li");
            const kind = document.createElement("span");
            option.id = "site-search-suggestion-" + position;
            option.setAttribute("role", "option");
            option.setAttribute("aria-selected", "false");
            option.dataset.url = suggestion.url;
            option.textContent = suggestion.title + " ";
            kind.className = "search-suggestions__type";
            kind.textContent = suggestion.type;
            option.append(kind);
            list.append(option);
            return option;
        });
        active = -1;
        if (options.length) {
            list.hidden = false;
            input.setAttribute("aria-expanded", "true");
            status.textContent = options.length + (options.length > 1 ? " suggestions" : " suggestion") +
                " : flèches haut et bas pour choisir, Entrée pour ouvrir.";
        } else {
            close();
            status.textContent = "";
        }
    }

    function ask(query) {
        if (pending) {
            pending.abort();
        }
        pending = new AbortController();
        fetch(endpoint + "?q=" + encodeURIComponent(query), {
            signal: pending.signal,
            headers: {"Accept": "application/json"},
        }).then(function (response) {
            return response.ok ? response.json() : {suggestions: []};
        }).then(function (data) {
            if (input.value.trim() === query && document.activeElement === input) {
                show(data.suggestions || []);
            }
        }).catch(function (error) {
            if (error.name !== "AbortError") {
                close();
            }
        });
    }

    input.addEventListener("input", function () {
        const query = input.value.trim();
        window.clearTimeout(timer);
        if (query.length < 2) {
            close();
            return;
        }
        // One request per pause in the typing, not one per key.
        timer = window.setTimeout(function () { ask(query); }, 250);
    });

    input.addEventListener("keydown", function (event) {
        if (list.hidden) {
            return;
        }
        if (event.key === "ArrowDown") {
            event.preventDefault();
            select(active + 1 < options.length ? active + 1 : 0);
        } else if (event.key === "ArrowUp") {
            event.preventDefault();
            select(active > 0 ? active - 1 : options.length - 1);
        } else if (event.key === "Escape") {
            event.preventDefault();
            close();
        } else if (event.key === "Enter" && active >= 0) {
            event.preventDefault();
            window.location.assign(options[active].dataset.url);
        }
    });

    input.addEventListener("blur", function () {
        // After a click on a suggestion has had its effect.
        window.setTimeout(close, 200);
    });
    // Keep the focus in the box while a suggestion is pressed, so the list stays open.
    list.addEventListener("mousedown", function (event) {
        event.preventDefault();
    });
    list.addEventListener("click", function (event) {
        const option = event.target.closest("[role=option]");
        if (option) {
            window.location.assign(option.dataset.url);
        }
    });
}());
