// The "Log time" form: as the lawyer types, say what the entry would do to the week's hours and the
// matter's budget, before it is submitted. The server checks again (and asks for confirmation).
(function () {
  "use strict";

  function number(value) {
    var parsed = parseFloat(value);
    return isNaN(parsed) ? 0 : parsed;
  }

  function mondayOf(isoDate) {
    var parts = isoDate.split("-");
    if (parts.length !== 3) { return null; }
    var day = new Date(Date.UTC(+parts[0], +parts[1] - 1, +parts[2]));
    if (isNaN(day.getTime())) { return null; }
    var offset = (day.getUTCDay() + 6) % 7; // Monday is 0
    day.setUTCDate(day.getUTCDate() - offset);
    return day.toISOString().slice(0, 10);
  }

  function money(currency, amount) {
    return currency + " " + amount.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  function init() {
    var form = document.getElementById("time-entry-form");
    var output = document.getElementById("time-entry-outlook");
    if (!form || !output) { return; }
    var weeksNode = document.getElementById("week-hours");
    var weeks = weeksNode ? JSON.parse(weeksNode.textContent) : {};
    var rate = number(form.dataset.rate);
    var perWeek = number(form.dataset.hoursPerWeek);
    var hasBudget = form.dataset.budget !== "";
    var budget = number(form.dataset.budget);
    var committed = number(form.dataset.committed);
    var sameCurrency = form.dataset.sameCurrency === "1";
    var currency = form.dataset.currency;
    var hoursInput = form.querySelector("[name=hours]");
    var dateInput = form.querySelector("[name=work_date]");

    function update() {
      var hours = number(hoursInput && hoursInput.value);
      if (hours <= 0) { output.textContent = ""; output.className = "muted"; return; }
      var notes = [];
      var warn = false;
      var amount = Math.round(hours * rate * 100) / 100;
      notes.push("This entry comes to " + money(currency, amount) + ".");
      var monday = dateInput ? mondayOf(dateInput.value) : null;
      if (monday) {
        var week = number(weeks[monday]) + hours;
        if (week > perWeek) {
          warn = true;
          notes.push("That week would reach " + week + " h, over the engagement's " + perWeek + " h a week.");
        } else {
          notes.push("That week: " + week + " of " + perWeek + " h.");
        }
      }
      if (hasBudget && sameCurrency) {
        var left = budget - committed - amount;
        if (left < 0) {
          warn = true;
          notes.push("It would take the matter over its budget by " + money(currency, -left) + ".");
        } else {
          notes.push(money(currency, left) + " of the budget would be left.");
        }
      }
      output.textContent = notes.join(" ");
      output.className = warn ? "message message-warning" : "muted";
    }

    if (hoursInput) { hoursInput.addEventListener("input", update); }
    if (dateInput) { dateInput.addEventListener("change", update); }
    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
