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

/* Cascading choices: a select whose choice_filter reads an answer on its own page carries
   data-choice-filter="names it reads", and an "Update the choices" button for browsers without JavaScript.
   With it, a change of one of those answers posts the page in the background as that button does (the
   draft is kept the same way), and the narrowed selects of the page it comes back with replace the old ones:
   the list of choices follows the answer without a reload. On any failure the buttons show again. */
(function () {
  "use strict";
  var form = document.getElementById("answers");
  if (!form || !window.fetch || !window.DOMParser || !document.querySelector("[data-choice-filter]")) {
    return;
  }
  function buttons(hidden) {
    document.querySelectorAll(".refresh-choices").forEach(function (button) {
      button.hidden = hidden;
    });
  }
  function reads(name) {
    return Array.prototype.some.call(document.querySelectorAll("[data-choice-filter]"), function (field) {
      return field.getAttribute("data-choice-filter").split(" ").indexOf(name) >= 0;
    });
  }
  var latest = 0;
  buttons(true);
  form.addEventListener("change", function (event) {
    var name = (event.target.name || "").replace(/^q\./, "");
    if (!name || !reads(name)) {
      return;
    }
    var answered = event.target.closest("[data-choice-filter]");
    var data = new FormData(form);
    data.set("action", "refresh");
    var request = ++latest;
    form.setAttribute("aria-busy", "true");
    fetch(window.location.href, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        if (request !== latest) {
          return; // a later change is on its way
        }
        var page = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-choice-filter]").forEach(function (field) {
          var fresh = page.getElementById(field.id);
          if (fresh && field !== answered) {
            field.replaceWith(document.importNode(fresh, true));
          }
        });
        form.removeAttribute("aria-busy");
      })
      .catch(function () {
        form.removeAttribute("aria-busy");
        buttons(false);
      });
  });
})();
