// The lab values panel and the Ca × P calculator on a question page, as modal dialogs
// (templates/quizzes/_lab_tools.html). Without this script the two buttons stay plain links to the reference's
// lab values page and calculator. The calculator's arithmetic is the server's (htmx fetches its result); none is here.
(function () {
  "use strict";
  if (window.labToolsReady) return;
  window.labToolsReady = true;

  // Single-key shortcuts can be switched off (WCAG 2.1.4); the choice is remembered in this browser.
  var STORE = "lab-tools-shortcuts";
  var opener = null;

  function shortcutsOn() {
    try {
      return window.localStorage.getItem(STORE) !== "off";
    } catch (error) {
      return true;
    }
  }

  function sync() {
    var on = shortcutsOn();
    document.querySelectorAll("[data-lab-keys]").forEach(function (box) { box.checked = on; });
    document.querySelectorAll("[data-lab-hint]").forEach(function (hint) { hint.hidden = !on; });
    document.querySelectorAll("[data-lab-open][data-lab-key]").forEach(function (button) {
      if (on) button.setAttribute("aria-keyshortcuts", button.dataset.labKey.toUpperCase());
      else button.removeAttribute("aria-keyshortcuts");
    });
  }

  function setShortcuts(on) {
    try {
      window.localStorage.setItem(STORE, on ? "on" : "off");
    } catch (error) { /* private mode: the switch still holds for this page */ }
    sync();
  }

  function open(dialog, button) {
    if (!dialog || dialog.open) return;
    opener = button;
    dialog.showModal();
    // The lab table is fetched once, on first opening (and again only if that fetch failed).
    var load = dialog.querySelector("[data-lab-load]");
    if (load && load.querySelector("[data-lab-placeholder]")) load.dispatchEvent(new CustomEvent("lab-tools-open"));
    var first = dialog.querySelector("[data-lab-focus]");
    if (first) first.focus();
  }

  function setUp() {
    var dialogs = document.querySelectorAll("dialog.lab-dialog");
    if (!dialogs.length || typeof HTMLDialogElement !== "function") return; // keep the links
    document.querySelectorAll("[data-lab-fallback]").forEach(function (link) { link.hidden = true; });
    document.querySelectorAll("[data-lab-open]").forEach(function (button) { button.hidden = false; });
    dialogs.forEach(function (dialog) {
      dialog.addEventListener("close", function () {
        if (opener && opener.isConnected) opener.focus();
        opener = null;
      });
      // Keys pressed in a dialog belong to it: the page's own shortcuts (number keys choose an answer) must not
      // act on the question behind it. Escape still closes: that is the browser's default action, not a listener's.
      dialog.addEventListener("keydown", function (event) {
        if (event.key !== "Escape") event.stopPropagation();
      });
      // A click on the backdrop lands on the dialog itself (its content fills it), and closes it.
      dialog.addEventListener("click", function (event) {
        if (event.target === dialog) dialog.close();
      });
    });
    sync();
  }

  document.addEventListener("click", function (event) {
    if (!(event.target instanceof Element)) return;
    var button = event.target.closest("[data-lab-open]");
    if (button) {
      open(document.getElementById(button.dataset.labOpen), button);
      return;
    }
    var close = event.target.closest("[data-lab-close]");
    if (close) close.closest("dialog").close();
  });

  document.addEventListener("change", function (event) {
    if (event.target instanceof Element && event.target.matches("[data-lab-keys]")) setShortcuts(event.target.checked);
  });

  function typing(element) {
    if (!element) return false;
    if (element.isContentEditable || element.tagName === "TEXTAREA" || element.tagName === "SELECT") return true;
    return element.tagName === "INPUT" && ["radio", "checkbox", "button", "submit", "reset"].indexOf(element.type) < 0;
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.isComposing || event.repeat) return;
    if (!/^[a-z]$/i.test(event.key || "")) return;
    if (!shortcutsOn() || typing(document.activeElement) || document.querySelector("dialog[open]")) return;
    var button = document.querySelector('[data-lab-open][data-lab-key="' + event.key.toLowerCase() + '"]');
    if (!button || button.hidden) return;
    event.preventDefault();
    open(document.getElementById(button.dataset.labOpen), button);
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
