// "Add another seat" (any formset): copy the <template id="seat-template"> empty form with the next
// index and count it in the management form. Without JavaScript the page shows one extra empty row.
(function () {
  var button = document.getElementById("add-seat");
  if (!button) return;
  button.addEventListener("click", function () {
    var total = document.getElementById("id_seats-TOTAL_FORMS");
    var index = parseInt(total.value, 10);
    var html = document.getElementById("seat-template").innerHTML.replace(/__prefix__/g, String(index));
    document.getElementById("seat-rows").insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
  });
})();
