// Draws a ticket's place on the districts' outlines from the gazetteer (ECharts served from
// node_modules; no tiles, nothing from outside the site). The page states the position in words too.
(function () {
  "use strict";
  var el = document.getElementById("ticket-map");
  var source = document.getElementById("ticket-place");
  if (!window.echarts || !el || !source) return;
  var place = JSON.parse(source.textContent);
  fetch(el.getAttribute("data-geojson"), { credentials: "same-origin" })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (geo) {
      if (!geo || !geo.features || !geo.features.length) return;
      window.echarts.registerMap("hotline-districts", geo);
      el.style.height = "320px";
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption({
        tooltip: { trigger: "item" },
        geo: {
          map: "hotline-districts", roam: true, label: { show: true, color: "#3e4c59" },
          itemStyle: { areaColor: "#f5f7fa", borderColor: "#9aa5b1" }
        },
        series: [{
          type: "effectScatter", coordinateSystem: "geo", symbolSize: 14, color: "#b42318",
          data: [{ name: place.label, value: [place.lng, place.lat] }]
        }]
      });
      window.addEventListener("resize", function () { chart.resize(); });
      el.setAttribute("data-rendered", "true");
    });
})();
