// Site behaviour that needs script. Everything here is an enhancement: each page works without it.
(function () {
  "use strict";

  // The learner's time zone, for the server to show dates and times in it (accounts/middleware.py); read again on
  // every page, so a laptop that travels follows its owner. The first page after a change is still in the old zone.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("tz=" + encodeURIComponent(zone)) === -1) {
      document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Lax" +
        (location.protocol === "https:" ? "; Secure" : "");
    }
  } catch (error) { /* no Intl: times stay in UTC */ }

  // After htmx swaps in a question's feedback or a case's next stage, move focus to it (or to the error that
  // came instead) so keyboard and screen-reader users land on the result. Other swaps (flag, note) keep focus.
  // A problem report's form is replaced by its receipt (or by itself with errors): focus goes there too.
  // A question's card is named by its position in the attempt (question-card-3), so the several cards of a case page
  // never share an id and each swap replaces its own card.
  function focusArea(id) {
    return id === "case-stages" || /^question-card-\d+$/.test(id) || /^report-/.test(id);
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

  // Quiz keyboard (listed in the "?" panel): number keys choose an option (two digits, typed quickly, from the
  // tenth on); S, U, G set the certainty; N or the right arrow goes on, P or the left arrow back; Enter on a
  // checkbox submits as it does on a radio. Arrows inside a radio group keep their own meaning.
  var digits = "";
  var digitTimer = null;
  function chooseOption(form, key) {
    var input = form.querySelector('input[name="choice"][data-key="' + key + '"]');
    if (input) {
      input.click();
      input.focus();
    }
    return input;
  }
  function clickShortcut(names) {
    for (var i = 0; i < names.length; i++) {
      var target = document.querySelector('[data-shortcut="' + names[i] + '"]');
      if (target) {
        target.click();
        return true;
      }
    }
    return false;
  }
  function flushDigits() {
    // A digit still waiting for a second one (1 before 12) counts as typed the moment anything else happens.
    if (!digits) return;
    clearTimeout(digitTimer);
    var form = document.querySelector(".answer-form");
    if (form) chooseOption(form, digits);
    digits = "";
  }
  document.addEventListener("submit", flushDigits, true);
  // Single-key shortcuts can be switched off (WCAG 2.1.4), with the switch in the lab tools' windows (labs.js):
  // one setting for every single-key shortcut of the page, remembered in this browser.
  function singleKeysOn() {
    try {
      return window.localStorage.getItem("lab-tools-shortcuts") !== "off";
    } catch (error) {
      return true;
    }
  }

  // An exam's answer form (saved and changeable until submitted): a choice not yet saved is not lost unnoticed.
  var examDirty = false;
  function examForm() { return document.querySelector(".answer-form[data-exam]"); }
  function markDirty(event) {
    var form = examForm();
    if (form && form.contains(event.target)) examDirty = true;
  }
  document.addEventListener("change", markDirty);
  document.addEventListener("input", markDirty);
  document.addEventListener("submit", function (event) {
    if (event.target === examForm()) examDirty = false;
  }, true);
  window.addEventListener("beforeunload", function (event) {
    if (!examDirty) return;
    event.preventDefault();
    event.returnValue = "";  // the browser asks whether to leave with the answer unsaved
  });

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(document.activeElement)) return;
    if (document.querySelector("dialog[open]")) return;
    if (event.key !== "Enter" && !singleKeysOn()) return;
    if (!/^[0-9]$/.test(event.key)) flushDigits();
    var form = document.querySelector(".answer-form");
    var onChoice = document.activeElement && ["radio", "checkbox"].includes(document.activeElement.type);
    if (event.key === "?") {
      var help = document.getElementById("keys-help");
      if (help && help.showModal) {
        help.showModal();
        event.preventDefault();
      }
      return;
    }
    if (form && /^[0-9]$/.test(event.key)) {
      digits += event.key;
      clearTimeout(digitTimer);
      var longer = form.querySelector('input[name="choice"][data-key^="' + digits + '"]:not([data-key="' + digits + '"])');
      if (longer) {
        // Another key starts with these digits (1 and 12): wait a moment for the next digit.
        digitTimer = setTimeout(function () { chooseOption(form, digits); digits = ""; }, 700);
      } else {
        chooseOption(form, digits);
        digits = "";
      }
      event.preventDefault();
      return;
    }
    var key = event.key.toLowerCase();
    var certainty = { s: "sure", u: "unsure", g: "guess" }[key];
    if (form && certainty && event.key.length === 1) {
      var radio = form.querySelector('input[name="certainty"][value="' + certainty + '"]');
      if (radio) {
        radio.click();
        event.preventDefault();
      }
      return;
    }
    if ((key === "n" && event.key.length === 1) || (event.key === "ArrowRight" && !onChoice)) {
      // In an exam, N saves a changed answer and goes on; unchanged, it just goes on.
      if (clickShortcut(examDirty ? ["save-next", "next", "skip"] : ["next", "skip"])) event.preventDefault();
      return;
    }
    if ((key === "p" && event.key.length === 1) || (event.key === "ArrowLeft" && !onChoice)) {
      if (clickShortcut(["previous"])) event.preventDefault();
      return;
    }
    if (form && event.key === "Enter" && document.activeElement && document.activeElement.type === "checkbox" &&
        form.contains(document.activeElement)) {
      event.preventDefault();
      form.requestSubmit(form.querySelector('button[type="submit"]'));
    }
  });

  // The keys panel: a native dialog (Escape closes it); focus goes back to what opened it.
  var helpOpener = null;
  document.addEventListener("click", function (event) {
    var opener = event.target.closest ? event.target.closest("[data-opens-dialog]") : null;
    if (opener) {
      var dialog = document.getElementById(opener.dataset.opensDialog);
      if (dialog && dialog.showModal) {
        helpOpener = opener;
        dialog.showModal();
        event.preventDefault();
      }
      return;
    }
    var closer = event.target.closest ? event.target.closest("[data-closes-dialog]") : null;
    if (closer) closer.closest("dialog").close();
  });
  document.addEventListener("close", function (event) {
    if (event.target.id === "keys-help" && helpOpener) {
      helpOpener.focus();
      helpOpener = null;
    }
  }, true);

  // An exam's countdown: from the seconds left when the page was served (so the learner's clock does not matter),
  // the deadline in the learner's own time, a spoken warning at 5 minutes and at 1, and at zero the page goes to
  // the attempt, which the server has closed by then, and on to the results with a notice.
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clockText(left) {
    var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    return (h ? h + ":" + pad(m) : m) + ":" + pad(s);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-countdown]");
    if (!box || box.dataset.secondsLeft === "") return;
    var total = parseInt(box.dataset.secondsLeft, 10);
    if (isNaN(total)) return;
    var started = Date.now();
    var deadline = new Date(started + total * 1000);
    var clock = box.querySelector(".countdown-clock");
    var text = box.querySelector("[data-countdown-text]");
    var alertArea = box.querySelector("[data-countdown-alert]");
    var said = {};
    text.textContent = "left. Submit by " + deadline.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) +
      " (your time); the exam is submitted for you then.";
    function tick() {
      var left = Math.max(0, total - Math.floor((Date.now() - started) / 1000));
      clock.textContent = clockText(left);
      box.classList.toggle("is-warning", left <= 300 && left > 60);
      box.classList.toggle("is-urgent", left <= 60);
      if (left <= 300 && left > 60 && !said.five) { said.five = true; alertArea.textContent = "5 minutes left."; }
      if (left <= 60 && left > 0 && !said.one) { said.one = true; alertArea.textContent = "1 minute left."; }
      var form = examForm();
      if (left <= 5 && examDirty && form) {
        // A choice made but not saved is saved now, before the deadline, rather than lost with it.
        examDirty = false;
        form.requestSubmit(form.querySelector('button[name="go"][value="stay"]'));
        return;
      }
      if (Date.now() - started >= (total + 1) * 1000) {
        alertArea.textContent = "Time is up.";
        window.location.assign(box.dataset.expireUrl);
        return;
      }
      setTimeout(tick, 1000 - ((Date.now() - started) % 1000));
    }
    tick();
  });

  // Body map, on a question page or inside a case: a click on a region toggles its checkbox; the checkbox state
  // colours the region.
  var REGIONS = ".answer-form .region[data-choice], .case-answer-form .region[data-choice]";
  function paint(root) {
    root.querySelectorAll(REGIONS).forEach(function (region) {
      var box = document.getElementById(region.dataset.choice);
      if (box) region.classList.toggle("is-chosen", box.checked);
    });
  }
  document.addEventListener("click", function (event) {
    var region = event.target.closest ? event.target.closest(REGIONS) : null;
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

// A form that hands something back to another site at once (the answer to an LMS that asked which link to add,
// lti/views.py deep_link) is sent as soon as the page loads; without script its button sends it.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-auto-submit]");
    if (form) form.submit();
  });
})();
