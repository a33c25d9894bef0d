// Site behaviour that needs script. Everything here is an enhancement: each page works without it.
(function () {
  "use strict";

  // After htmx swaps in feedback, move focus to it so keyboard and screen-reader users land on the result.
  document.addEventListener("htmx:afterSwap", function () {
    var target = document.querySelector("[data-focus-after-swap]");
    if (target) target.focus();
  });

  function typing(element) {
    return element && (element.tagName === "TEXTAREA" || element.tagName === "SELECT" ||
      (element.tagName === "INPUT" && !["radio", "checkbox"].includes(element.type)));
  }

  // Quiz keyboard: number keys choose the nth option; Enter on a checkbox submits like it does on a radio.
  document.addEventListener("keydown", function (event) {
    var form = document.querySelector(".answer-form");
    if (!form || event.altKey || event.ctrlKey || event.metaKey || typing(document.activeElement)) return;
    if (/^[1-9]$/.test(event.key)) {
      var input = form.querySelector('input[name="choice"][data-key="' + event.key + '"]');
      if (input) {
        input.click();
        input.focus();
        event.preventDefault();
      }
    } else if (event.key === "Enter" && document.activeElement && document.activeElement.type === "checkbox" &&
               form.contains(document.activeElement)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  // Body map: a click on a region toggles its checkbox; the checkbox state colours the region.
  function paint(root) {
    root.querySelectorAll(".answer-form .region[data-choice]").forEach(function (region) {
      var box = document.getElementById(region.dataset.choice);
      if (box) region.classList.toggle("is-chosen", box.checked);
    });
  }
  document.addEventListener("click", function (event) {
    var region = event.target.closest ? event.target.closest(".answer-form .region[data-choice]") : null;
    if (!region) return;
    var box = document.getElementById(region.dataset.choice);
    if (box) {
      box.checked = !box.checked;
      box.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.name === "choice") paint(document);
  });
  document.addEventListener("DOMContentLoaded", function () { paint(document); });
  document.addEventListener("htmx:afterSwap", function () { paint(document); });
})();
