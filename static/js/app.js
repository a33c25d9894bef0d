// Site behaviour that needs script. Everything here is an enhancement: each page works without it.
(function () {
  "use strict";

  // After htmx swaps in a question's feedback or a case's next stage, move focus to it (or to the error that
  // came instead) so keyboard and screen-reader users land on the result. Other swaps (flag, note) keep focus.
  // A problem report's form is replaced by its receipt (or by itself with errors): focus goes there too.
  var FOCUS_AREAS = ["question-card", "case-stages"];
  function focusArea(id) {
    return FOCUS_AREAS.indexOf(id) >= 0 || /^report-/.test(id);
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    var swapped = event.detail.target;
    if (!swapped || !focusArea(swapped.id)) return;
    var area = document.getElementById(swapped.id);
    var target = area && area.querySelector("[data-focus-after-swap]");
    if (target) target.focus();
  });

  // Any other swap that replaces the focused control (flag, note) puts focus back on its replacement.
  var focusedId = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var active = document.activeElement;
    focusedId = active && active.id && event.detail.target.contains(active) ? active.id : null;
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var swapped = event.detail.target;
    if (!focusedId || (swapped && focusArea(swapped.id))) return;
    var again = document.getElementById(focusedId);
    if (again) again.focus();
    focusedId = null;
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

  // "Select all topics" (shown only with script): ticks every box of that name, or unticks them if all were ticked.
  function checkAllLabel(button) {
    var boxes = document.querySelectorAll('input[type="checkbox"][name="' + button.dataset.checkAll + '"]');
    var all = Array.prototype.every.call(boxes, function (box) { return box.checked; });
    button.textContent = all ? "Clear all topics" : "Select all topics";
    return { boxes: boxes, all: all };
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-check-all]").forEach(function (button) {
      button.hidden = false;
      checkAllLabel(button);
    });
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-check-all]") : null;
    if (!button) return;
    var state = checkAllLabel(button);
    state.boxes.forEach(function (box) { box.checked = !state.all; });
    checkAllLabel(button);
  });
  document.addEventListener("change", function (event) {
    if (event.target.type !== "checkbox") return;
    document.querySelectorAll('[data-check-all="' + event.target.name + '"]').forEach(checkAllLabel);
  });
  document.addEventListener("htmx:afterSwap", function () { paint(document); });
})();
