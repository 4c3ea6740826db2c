/* scsearch: copy citations to the clipboard; space toggles facet checkboxes. No frameworks. */
(function () {
  "use strict";

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function report(button, ok, text) {
    var status = button.parentNode.querySelector(".copy-status");
    button.setAttribute("data-copied", ok ? text : "");
    if (status) {
      status.textContent = ok ? "Citace zkopírována." : "Kopírování se nezdařilo – označte citaci a zkopírujte ji ručně.";
    }
    if (!ok) {
      var q = button.parentNode.querySelector(".cite-text");
      if (q && window.getSelection) {
        var range = document.createRange();
        range.selectNodeContents(q);
        var sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
      }
    }
  }

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest ? ev.target.closest("button.copy") : null;
    if (!button) { return; }
    var text = button.getAttribute("data-copy") || "";
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { report(button, true, text); },
        function () { report(button, fallbackCopy(text), text); }
      );
    } else {
      report(button, fallbackCopy(text), text);
    }
  });

  // keep shared URLs clean: empty date fields (meeting dates, deadlines) are not submitted
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form || form.id !== "hledani") { return; }
    Array.prototype.forEach.call(form.elements, function (el) {
      if (/^(from|to|deadline_from|deadline_to)$/.test(el.name) && !el.value) { el.disabled = true; }
    });
  });
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(document.querySelectorAll("input[form=hledani]"), function (el) { el.disabled = false; });
  });

  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    if ((ev.key === " " || ev.key === "Spacebar") && t && t.getAttribute && t.getAttribute("role") === "checkbox" && t.tagName === "A") {
      ev.preventDefault();
      t.click();
    }
  });
})();
