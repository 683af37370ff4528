/* Long checkbox lists with a search box (a fieldset [data-picker]): the list narrows as one types. Without this
   script the search is done on the server by the "Show matching" button; chosen boxes stay chosen
   either way (a hidden box is still sent). */
(function () {
  "use strict";
  function key(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }
  document.querySelectorAll("[data-picker]").forEach(function (picker) {
    var search = picker.querySelector("[data-picker-search]");
    // The hidden field named by data-picker holds the search the list is shown with.
    var shown = picker.form && picker.getAttribute("data-picker") ? picker.form.elements[picker.getAttribute("data-picker")] : null;
    if (!search) return;
    var items = picker.querySelectorAll(".picker-options li");
    function update() {
      var query = key(search.value);
      if (shown) shown.value = search.value.trim(); // the list on screen is the search typed: Save saves
      Array.prototype.forEach.call(items, function (item) {
        var input = item.querySelector("input");
        item.hidden = query !== "" && key(item.textContent).indexOf(query) < 0 && key(input.value) !== query;
      });
    }
    search.addEventListener("input", update);
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault(); // Enter narrows the list, it does not save the form
    });
  });
})();
