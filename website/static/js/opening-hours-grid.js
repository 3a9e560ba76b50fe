// Progressive enhancement of the opening-hours widget (structures/widgets.py).
// Without this script both ways of typing are shown and the radio button decides which one is
// saved; with it, only the chosen one is shown, and Monday's hours can be copied to the week.
(function () {
  "use strict";

  function init(root) {
    if (root.dataset.ohReady) {
      return;
    }
    root.dataset.ohReady = "1";
    var radios = root.querySelectorAll("input[data-oh-mode]");
    var panels = root.querySelectorAll("[data-oh-panel]");

    function sync() {
      var mode = "grid";
      radios.forEach(function (radio) {
        if (radio.checked) {
          mode = radio.value;
        }
      });
      panels.forEach(function (panel) {
        panel.hidden = panel.getAttribute("data-oh-panel") !== mode;
      });
    }

    radios.forEach(function (radio) {
      radio.addEventListener("change", sync);
    });
    sync();

    var copy = root.querySelector("[data-oh-copy-weekdays]");
    if (copy) {
      var days = root.querySelectorAll(".opening-hours-grid__day");
      copy.hidden = false;
      copy.addEventListener("click", function () {
        var source = days[0].querySelectorAll("input[type=time]");
        for (var day = 1; day <= 4 && day < days.length; day += 1) {
          var target = days[day].querySelectorAll("input[type=time]");
          source.forEach(function (input, index) {
            if (target[index]) {
              target[index].value = input.value;
            }
          });
        }
      });
    }
  }

  function initAll() {
    document.querySelectorAll("[data-opening-hours]").forEach(init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
