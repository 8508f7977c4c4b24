// Small behaviours shared by every page, attached without inline handlers (our CSP forbids them).
(function () {
  // <select data-autosubmit> submits its form as soon as the choice changes (filters).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("[data-autosubmit]") && target.form) {
      target.form.requestSubmit ? target.form.requestSubmit() : target.form.submit();
    }
  });
})();
