// Live progress of a re-index job: polls the JSON endpoint every 1.5 s while the job is active.
(function () {
  "use strict";
  var root = document.getElementById("job");
  if (!root || root.dataset.active !== "ano") { return; }
  var url = root.dataset.url;
  var last = parseInt(root.dataset.last || "0", 10);
  var tbody = document.getElementById("job-files");
  var bar = document.getElementById("job-progress");

  function setField(name, value) {
    var el = root.querySelector('[data-field="' + name + '"]');
    if (el) { el.textContent = (value === null || value === "" || value === undefined) ? "–" : String(value); }
  }

  function addRow(f) {
    var tr = document.createElement("tr");
    tr.className = "status-" + f.status;
    var detail = f.reason || (f.status === "indexed" ? "počet jednotek: " + f.units : "");
    [f.path, f.status_label, detail].forEach(function (text) {
      var td = document.createElement("td");
      td.textContent = text;
      tr.appendChild(td);
    });
    tbody.appendChild(tr);
  }

  function poll() {
    fetch(url + "?po=" + last, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        var job = data.job;
        ["state_label", "done", "total", "indexed", "unchanged", "removed", "skipped", "failed", "started_at",
         "finished_at", "pid", "error"].forEach(function (k) { setField(k, job[k]); });
        var state = root.querySelector('[data-field="state_label"]');
        if (state) { state.className = "state state-" + job.state; }
        if (bar) { bar.max = job.total || 1; bar.value = job.done; }
        data.files.forEach(function (f) { addRow(f); last = Math.max(last, f.id); });
        if (job.state === "queued" || job.state === "running") { window.setTimeout(poll, 1500); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
