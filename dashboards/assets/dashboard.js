// Chart images are drawn by plotly.js in the browser: the button next to a chart asks for it.
// On the page a chart's title is its caption (plotly's own title does not wrap on a phone), so the image gets it
// back: it is drawn from a copy of the figure with the caption as plotly's title; the page itself is untouched.
function titled(plot, title) {
  var layout = Object.assign({}, plot.layout);
  var full = plot._fullLayout || {};
  if (title) {
    // Plotly reads a few HTML tags in titles: the caption's text is shown as it is.
    var text = title.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    layout.title = {text: text, x: 0, xanchor: "left", font: {size: 15}};
    layout.margin = Object.assign({}, full.margin || layout.margin, {t: 60});
  }
  layout.width = full.width || plot.offsetWidth || 700;
  layout.height = (full.height || plot.offsetHeight || 450) + (title ? 30 : 0);
  return {data: plot.data, layout: layout};
}

window.dash_clientside = Object.assign({}, window.dash_clientside, {
  ipbes: {
    downloadImage: function () {
      // Dash also calls this when a redrawn page brings its buttons anew (n_clicks 0): only a click asks for an
      // image. A spurious one drew a copy of the chart 5,000 px to the left, which in Arabic widened the page.
      var clicked = (window.dash_clientside.callback_context.triggered || []).filter(function (t) { return t.value; });
      if (!clicked.length) { return window.dash_clientside.no_update; }
      var propId = clicked[0].prop_id;
      var trigger = JSON.parse(propId.slice(0, propId.lastIndexOf(".")));
      if (!trigger || !trigger.index) { return window.dash_clientside.no_update; }
      var parts = String(trigger.index).split(":");
      var holder = document.getElementById(parts[0]);
      var plot = holder && holder.querySelector(".js-plotly-plot");
      if (plot && window.Plotly) {
        var caption = holder.closest("figure") && holder.closest("figure").querySelector("figcaption");
        var title = caption ? caption.textContent.trim() : "";
        var name = (title || "chart").replace(/[^\w\u00C0-\uFFFF]+/g, "-").slice(0, 80);
        window.Plotly.downloadImage(titled(plot, title), {format: parts[1], filename: name || "chart"});
      }
      return window.dash_clientside.no_update;
    }
  }
});

// Accessibility repairs of Dash's own controls, made again whenever React redraws them:
// - a dropdown's hidden "focus target" input is aria-hidden yet focusable (axe: aria-hidden-focus): it is
//   disabled, and the dropdown's button itself takes the focus; the button is named by the control's label too;
// - radio items (and checklists) are drawn as a listbox whose options hold inputs (axe: nested-interactive): the
//   listbox and option roles go, leaving native inputs in their labels inside a fieldset named by its legend.
(function () {
  function labelOf(element) {
    var control = element.closest(".control");
    var label = control && control.querySelector(":scope > label");
    if (!label) { return null; }
    if (!label.id) { label.id = "label-" + Math.random().toString(36).slice(2); }
    return label.id;
  }
  function repairDropdown(target) {
    if (!target.disabled) { target.disabled = true; }
    var button = target.nextElementSibling;
    if (!button || button.tagName !== "BUTTON") { return; }
    if (!button.disabled && button.tabIndex !== 0) { button.tabIndex = 0; }
    var label = labelOf(button);
    var names = button.getAttribute("aria-labelledby") || "";
    if (label && names.split(" ").indexOf(label) === -1) {
      button.setAttribute("aria-labelledby", (label + " " + names).trim());
    }
  }
  function repairRadios(list) {
    // The fieldset around the items names the group (its legend); each option is a native input in its label.
    if (list.hasAttribute("role")) { list.removeAttribute("role"); }
    list.querySelectorAll("[role=option], [aria-selected]").forEach(function (option) {
      if (option.hasAttribute("role")) { option.removeAttribute("role"); }
      if (option.hasAttribute("aria-selected")) { option.removeAttribute("aria-selected"); }
    });
  }
  function repair() {
    document.querySelectorAll(".dash-dropdown-focus-target").forEach(repairDropdown);
    document.querySelectorAll(".dash-radioitems, .dash-checklist").forEach(repairRadios);
  }
  // Observers run before anything else can look at the page (a script, a screen reader, axe-core). Each repair
  // writes only what differs, so its own changes end the round.
  new MutationObserver(repair).observe(document.documentElement, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["role", "aria-selected", "tabindex"]
  });
  // The language switcher of the site's header returns to the page shown now, not the one first loaded.
  document.addEventListener("submit", function (event) {
    var next = event.target.querySelector && event.target.querySelector("input[name=next]");
    if (next && event.target.classList.contains("language-switcher")) {
      next.value = window.location.pathname + window.location.search;
    }
  });
})();
