/* Survey pages: a "please specify" box shows only while the "Other" it belongs to is chosen.
   Without this script every box shows, its label saying when it applies (respond/_questions.html). */
(function () {
  "use strict";
  document.querySelectorAll("[data-other-of]").forEach(function (field) {
    var inputs = document.querySelectorAll('[name="q.' + field.getAttribute("data-other-of") + '"]');
    function update() {
      field.hidden = !Array.prototype.some.call(inputs, function (input) {
        return input.value === "other" && (input.tagName === "SELECT" || input.checked);
      });
    }
    Array.prototype.forEach.call(inputs, function (input) {
      input.addEventListener("change", update);
    });
    update();
  });
})();
