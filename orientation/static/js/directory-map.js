// Map of the directory's search results (Leaflet, served by the app). Without tiles (offline),
// the markers still show on a plain background; without JavaScript, the list has everything.
document.addEventListener("DOMContentLoaded", function () {
  var container = document.getElementById("directory-map");
  var source = document.getElementById("directory-map-data");
  if (!container || !source || typeof L === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var map = L.map(container, { scrollWheelZoom: false }).setView([44.0, 5.05], 9);  // Vaucluse
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 18, attribution: "&copy; contributeurs OpenStreetMap"
  }).addTo(map);
  var bounds = [];
  data.points.forEach(function (point) {
    var popup = document.createElement("div");
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.name;  // text, never HTML: imported names stay inert
    var detail = document.createElement("p");
    detail.textContent = point.structure + (point.commune ? " — " + point.commune : "");
    popup.appendChild(link);
    popup.appendChild(detail);
    L.circleMarker([point.lat, point.lon], { radius: 8, color: "#000091", fillOpacity: 0.7 })
      .bindPopup(popup).addTo(map);
    bounds.push([point.lat, point.lon]);
  });
  if (data.origin) {
    L.circleMarker(data.origin, { radius: 6, color: "#ce0500" }).bindTooltip("Point de recherche").addTo(map);
    bounds.push(data.origin);
  }
  if (bounds.length) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13 }); }
  container.setAttribute("data-markers", String(data.points.length));
});
