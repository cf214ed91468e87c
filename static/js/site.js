// The site's only script: pages carry no inline JavaScript (Content-Security-Policy: script-src 'self').
// Each page works without it; it adds what a phone needs: the print button, the first error in
// view after a refused form, and the meeting form's live count.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, function (whole, name) {
    return name in values ? String(values[name]) : whole;
  });
}

// A refused form: the alert stays at the top of the screen and the first bad field is scrolled
// just below it and focused.
function showFirstError() {
  var alert = document.querySelector("[data-form-alert]");
  if (!alert) return;
  var error = document.querySelector("form .invalid, form .errorlist:not(.nonfield)");
  if (!error) return;
  var target = error.closest(".invalid, fieldset, .field, label") || error;
  var top = target.getBoundingClientRect().top + window.scrollY - alert.offsetHeight - 8;
  window.scrollTo(0, Math.max(0, top));
  // the refused control itself, not the first of its group (a list matches in page order)
  var control =
    target.querySelector("[aria-invalid='true']") ||
    target.querySelector("input:not([type='hidden']), select, textarea");
  if (control) control.focus({ preventScroll: true });
}

// The meeting form: who is counted present, whether that is a quorum, and how many votes a
// resolution may have, as attendance is ticked. The figures' rule (which marks count, how many
// make a quorum) comes from the server in data attributes; the service checks again on saving.
function meetingTally(form) {
  var tally = form.querySelector("[data-tally]");
  if (!tally) return;
  function update() {
    var present = form.querySelectorAll(".attendance input[data-counted]:checked").length;
    var proxy = form.querySelectorAll(".attendance input[value='proxy']:checked").length;
    var needed = Number(tally.dataset.needed);
    var met = present >= needed;
    tally.textContent = fill(tally.dataset.template, {
      present: present, proxy: proxy, members: tally.dataset.members, needed: needed,
    }) + " ";
    var verdict = document.createElement("strong");
    verdict.textContent = met ? tally.dataset.met : tally.dataset.short;
    tally.appendChild(verdict);
    tally.classList.toggle("short", !met);
    form.querySelectorAll("[data-votes]").forEach(function (row) {
      var counts = row.querySelectorAll("input[type='number']");
      var sum = 0;
      counts.forEach(function (input) {
        input.max = present;
        sum += Number(input.value) || 0;
      });
      var hint = row.querySelector(".votes-hint");
      hint.textContent = fill(hint.dataset.template, { present: present });
      row.classList.toggle("over", sum > present);
      counts.forEach(function (input) {
        if (sum > present) input.setAttribute("aria-invalid", "true");
        else if (!row.classList.contains("invalid")) input.removeAttribute("aria-invalid");
      });
    });
  }
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
}

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form").forEach(meetingTally);
  showFirstError();
});
