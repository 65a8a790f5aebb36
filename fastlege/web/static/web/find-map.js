// Finn fastlege: pick the place to measure distances from by clicking the map.
// Progressive enhancement: without this script the postal code field does the same,
// and keyboard users keep that field (the map is not a control of its own).
// The map (web.geo.municipality_map) is drawn in projected units:
// x = lon * data-kx, y = -lat * data-scale; a click is turned back into lon/lat and
// the search form is sent with them, sorted by distance.
(function () {
  "use strict";
  var map = document.querySelector("svg.find-map[data-pick-for]");
  if (!map) { return; }
  var form = document.getElementById(map.getAttribute("data-pick-for"));
  if (!form || !form.elements.lat || !form.elements.lon) { return; }
  var scale = parseFloat(map.getAttribute("data-scale"));
  var kx = parseFloat(map.getAttribute("data-kx"));
  var hint = document.getElementById("find-map-hint");
  if (hint) { hint.hidden = false; }
  map.classList.add("pickable");

  map.addEventListener("click", function (event) {
    var ctm = map.getScreenCTM();
    if (!ctm) { return; }
    var point = map.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    var p = point.matrixTransform(ctm.inverse());
    form.elements.lat.value = (-p.y / scale).toFixed(5);
    form.elements.lon.value = (p.x / kx).toFixed(5);
    if (form.elements.sortering) { form.elements.sortering.value = "avstand"; }
    var page = form.elements.side;
    if (page) { page.value = ""; }
    form.submit();
  });

  // A new postal code or municipality replaces the place picked before.
  ["postnummer", "kommune"].forEach(function (name) {
    var field = form.elements[name];
    if (field) {
      field.addEventListener("change", function () {
        form.elements.lat.value = "";
        form.elements.lon.value = "";
      });
    }
  });
}());
