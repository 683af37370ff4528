/* A map beside the coordinate fields of a geopoint, geotrace or geoshape (a hidden [data-map] block of
   respond/_questions.html). The typed fields stay the answer: a tap on the map writes into them (a point's
   latitude and longitude; one more line of a trace or shape) and typing in them moves what is drawn. The world's
   country outlines come from the platform (TopoJSON at data-map-geometry), drawn in plain longitude and latitude
   (equirectangular): no tiles, nothing fetched from elsewhere. Without this script, or if the outlines do not
   load, the block stays hidden and the fields work as they are. */
(function () {
  "use strict";
  var maps = document.querySelectorAll("[data-map]");
  if (!maps.length || !window.fetch || !document.createElementNS) return;
  var SVG = "http://www.w3.org/2000/svg";
  var WORLD = { x: -180, y: -90, width: 360, height: 180 }; // the view box: x is longitude, y is minus latitude
  var MAX_ZOOM = 64;

  function element(name, attributes) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    return node;
  }

  // TopoJSON without a transform (as this file is): arcs are lists of [lon, lat]; ~i is arc i reversed.
  function ring(arcs, indexes) {
    var points = [];
    indexes.forEach(function (index) {
      var arc = index < 0 ? arcs[~index].slice().reverse() : arcs[index];
      points = points.concat(points.length ? arc.slice(1) : arc);
    });
    return "M" + points.map(function (p) { return p[0].toFixed(2) + " " + (-p[1]).toFixed(2); }).join("L") + "Z";
  }
  function outlines(topology) {
    var parts = [];
    topology.objects.countries.geometries.forEach(function (geometry) {
      var polygons = geometry.type === "Polygon" ? [geometry.arcs] : geometry.type === "MultiPolygon" ? geometry.arcs : [];
      polygons.forEach(function (polygon) {
        polygon.forEach(function (indexes) { parts.push(ring(topology.arcs, indexes)); });
      });
    });
    return parts.join("");
  }

  // "48.85 2.35", "48.85, 2.35" or ODK's "lat lon alt acc": the first two numbers, when they are a place.
  function point(text) {
    var numbers = text.trim().split(/[\s,]+/).map(Number);
    if (numbers.length < 2 || isNaN(numbers[0]) || isNaN(numbers[1])) return null;
    if (Math.abs(numbers[0]) > 90 || Math.abs(numbers[1]) > 180) return null;
    return { lat: numbers[0], lon: numbers[1] };
  }

  var geometry = null;
  function loadGeometry(url) {
    if (!geometry) {
      geometry = fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      }).then(outlines);
    }
    return geometry;
  }

  function setUp(block, countries) {
    var question = block.parentNode;
    var kind = block.getAttribute("data-map");
    var inputs = question.querySelectorAll("input");
    var area = question.querySelector("textarea");
    var zoom = 1;
    var centre = { x: 0, y: 0 };

    var svg = element("svg", { viewBox: "", "aria-hidden": "true", focusable: "false", class: "geo-map-canvas" });
    svg.appendChild(element("rect", { x: WORLD.x, y: WORLD.y, width: WORLD.width, height: WORLD.height, class: "geo-map-sea" }));
    svg.appendChild(element("path", { d: countries, class: "geo-map-land", "vector-effect": "non-scaling-stroke" }));
    var drawn = element("g", { class: "geo-map-answer" });
    svg.appendChild(drawn);
    block.insertBefore(svg, block.querySelector(".geo-map-zoom"));

    function points() {
      if (kind === "point") {
        var one = point(inputs[0].value + " " + inputs[1].value);
        return one ? [one] : [];
      }
      return area.value.split(/[\n;]/).map(point).filter(Boolean);
    }

    function view() {
      var width = WORLD.width / zoom, height = WORLD.height / zoom;
      var x = Math.min(Math.max(centre.x - width / 2, WORLD.x), WORLD.x + WORLD.width - width);
      var y = Math.min(Math.max(centre.y - height / 2, WORLD.y), WORLD.y + WORLD.height - height);
      return { x: x, y: y, width: width, height: height };
    }

    // One screen pixel in degrees: the markers keep their size, and a tap is rounded to what a finger can mean.
    function pixel() {
      return view().width / (svg.getBoundingClientRect().width || 1);
    }

    function draw() {
      var box = view();
      svg.setAttribute("viewBox", [box.x, box.y, box.width, box.height].join(" "));
      while (drawn.firstChild) drawn.removeChild(drawn.firstChild);
      var shown = points(), size = pixel();
      if (kind !== "point" && shown.length > 1) {
        var list = shown.map(function (p) { return p.lon + "," + -p.lat; }).join(" ");
        drawn.appendChild(element(kind === "shape" ? "polygon" : "polyline", {
          points: list, class: "geo-map-line", "vector-effect": "non-scaling-stroke",
        }));
      }
      shown.forEach(function (p) {
        drawn.appendChild(element("circle", { cx: p.lon, cy: -p.lat, r: 5 * size, class: "geo-map-point" }));
      });
      block.setAttribute("data-map-points", String(shown.length)); // what is drawn, for tests and styles
    }

    svg.addEventListener("click", function (event) {
      var matrix = svg.getScreenCTM();
      if (!matrix) return;
      var at = svg.createSVGPoint();
      at.x = event.clientX;
      at.y = event.clientY;
      at = at.matrixTransform(matrix.inverse());
      var decimals = Math.min(5, Math.max(1, Math.ceil(-Math.log10(pixel())) + 1));
      var lat = Math.max(-90, Math.min(90, -at.y)).toFixed(decimals);
      var lon = Math.max(-180, Math.min(180, at.x)).toFixed(decimals);
      if (kind === "point") {
        inputs[0].value = lat;
        inputs[1].value = lon;
      } else {
        var text = area.value.replace(/\s+$/, "");
        area.value = (text ? text + "\n" : "") + lat + " " + lon;
      }
      centre = { x: Number(lon), y: -Number(lat) };
      draw();
    });

    block.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        var shown = points();
        if (shown.length) centre = { x: shown[shown.length - 1].lon, y: -shown[shown.length - 1].lat };
        zoom = Math.min(MAX_ZOOM, Math.max(1, zoom * Number(button.getAttribute("data-zoom"))));
        draw();
      });
    });
    (kind === "point" ? Array.prototype.slice.call(inputs, 0, 2) : [area]).forEach(function (field) {
      field.addEventListener("input", draw);
    });
    window.addEventListener("resize", draw);
    block.hidden = false;
    draw(); // after showing: the marker size needs the map's width on screen
  }

  Array.prototype.forEach.call(maps, function (block) {
    loadGeometry(block.getAttribute("data-map-geometry")).then(function (countries) {
      setUp(block, countries);
    }, function () {
      /* The outlines did not load: the block stays hidden and the fields are the way to answer. */
    });
  });
})();
