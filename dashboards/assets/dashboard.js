// Chart images are drawn by plotly.js in the browser: the button next to a chart asks for it.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  ipbes: {
    downloadImage: function () {
      var trigger = window.dash_clientside.callback_context.triggered_id;
      if (!trigger || !trigger.index) { return window.dash_clientside.no_update; }
      var parts = String(trigger.index).split(":");
      var holder = document.getElementById(parts[0]);
      var plot = holder && holder.querySelector(".js-plotly-plot");
      if (plot && window.Plotly) {
        var caption = holder.closest("figure") && holder.closest("figure").querySelector("figcaption");
        var name = (caption ? caption.textContent : "chart").replace(/[^\w\u00C0-\uFFFF]+/g, "-").slice(0, 80);
        window.Plotly.downloadImage(plot, {format: parts[1], filename: name || "chart"});
      }
      return window.dash_clientside.no_update;
    }
  }
});
