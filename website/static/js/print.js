// Shows the "print" buttons, which need JavaScript; the browser's own print works without it.
document.addEventListener("DOMContentLoaded", function () {
    "use strict";
    document.querySelectorAll("[data-print]").forEach(function (button) {
        button.hidden = false;
        button.addEventListener("click", function () { window.print(); });
    });
});
