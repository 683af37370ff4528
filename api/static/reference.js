// The API's reference page: Swagger UI drawn from the app's own OpenAPI document (no CDN).
window.addEventListener("load", function () {
  var root = document.getElementById("api-reference");
  window.ui = SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "BaseLayout",
  });
});
