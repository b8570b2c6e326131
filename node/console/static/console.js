// URSIC console: live guardrail feedback on the publish form. The page works
// without this script (the check then runs when the form is sent).
(function () {
  "use strict";
  var form = document.getElementById("publish-form");
  var panel = document.getElementById("check-panel");
  var out = document.getElementById("check-result");
  var confirmBox = document.getElementById("confirm-box");
  if (!form || !panel || !out) { return; }
  var t = function (k) { return panel.getAttribute("data-t-" + k) || ""; };
  var timer = null, seq = 0;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  // bdi wraps text written by a member (a name, a phrase of the record) in
  // its own <bdi>, so bidi controls in it end with it and cannot reorder
  // the text beside it.
  function bdi(text) { return el("bdi", "", text); }

  function mark(findings) {
    var fields = form.querySelectorAll(".field");
    for (var i = 0; i < fields.length; i++) { fields[i].classList.remove("has-refuse", "has-flag"); }
    findings.forEach(function (f) {
      var box = document.getElementById("field-" + f.field);
      if (box && !box.classList.contains("has-refuse")) { box.classList.add("has-" + f.severity); }
    });
  }

  function show(res) {
    out.textContent = "";
    if (res.error) { out.appendChild(el("p", "incomplete", res.error)); return; }
    if (res.missing && res.missing.length) { out.appendChild(el("p", "incomplete", t("missing") + " " + res.missing.join(", "))); }
    if (res.problem) { out.appendChild(el("p", "incomplete", t("incomplete") + " " + res.problem)); }
    if (res.refused) { out.appendChild(el("p", "refused-lead", t("refused"))); }
    else if (res.needs_confirm) { out.appendChild(el("p", "flag-lead", t("flagged"))); }
    if (res.findings && res.findings.length) {
      var ul = el("ul", "findings");
      res.findings.forEach(function (f) {
        var li = el("li", "finding " + f.severity);
        li.appendChild(el("strong", "", f.rule_name));
        li.appendChild(document.createTextNode((f.label ? " (" + f.label + ")" : "") + ": "));
        li.appendChild(bdi(f.message));
        if (f.phrase) {
          var q = el("q", "excerpt");
          q.appendChild(bdi(f.before || ""));
          q.appendChild(el("mark")).appendChild(bdi(f.phrase));
          q.appendChild(bdi(f.after || ""));
          li.appendChild(document.createElement("br"));
          li.appendChild(q);
        }
        ul.appendChild(li);
      });
      out.appendChild(ul);
    }
    mark(res.findings || []);
    if (confirmBox) { confirmBox.hidden = !res.needs_confirm; }
    if (res.ok) { out.appendChild(el("p", "ok", t("ok"))); }
    if (res.ok || res.needs_confirm) {
      if (res.only_self) { out.appendChild(el("p", "", t("onlyself"))); }
      var lists = [["recipients", res.recipients, "recipients"], ["nonrecip", res.non_recipients, "non-recipients"]];
      lists.forEach(function (l) {
        if (!l[1] || !l[1].length) { return; }
        out.appendChild(el("h3", "", t(l[0])));
        var ul = el("ul", l[2]);
        l[1].forEach(function (n) { ul.appendChild(el("li")).appendChild(bdi(n)); });
        out.appendChild(ul);
      });
    }
  }

  function check() {
    var mine = ++seq;
    var body = new URLSearchParams(new FormData(form));
    panel.setAttribute("aria-busy", "true");
    fetch("/console/check", {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRF-Token": form.getAttribute("data-csrf") },
      body: body
    }).then(function (r) { return r.json(); }).then(function (res) {
      if (mine === seq) { show(res); panel.setAttribute("aria-busy", "false"); }
    }).catch(function () { panel.setAttribute("aria-busy", "false"); });
  }

  function later() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(check, 400);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  check();
})();
