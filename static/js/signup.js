// Client sign-up: show only the field that goes with the chosen option (create an organisation or
// join one). Without JavaScript both stay visible and the server validates whichever was chosen.
(function () {
  var choices = document.querySelectorAll('input[name="organisation_choice"]');
  if (!choices.length) return;
  var fields = {
    create: document.getElementById("field-organisation_name"),
    join: document.getElementById("field-join_code"),
  };
  function update() {
    var chosen = document.querySelector('input[name="organisation_choice"]:checked');
    Object.keys(fields).forEach(function (key) {
      if (fields[key]) fields[key].hidden = !chosen || chosen.value !== key;
    });
  }
  choices.forEach(function (input) { input.addEventListener("change", update); });
  update();
})();
