// Draws the charts of a page from its JSON data (json_script "overview-data" or "stats-data") with
// ECharts, served from node_modules. Each chart has its table on the page; without ECharts or
// JavaScript the tables are all there is. The district map is drawn from the gazetteer's GeoJSON:
// no tiles, nothing from outside the site.
(function () {
  "use strict";
  if (!window.echarts) return;
  var source = document.getElementById("overview-data") || document.getElementById("stats-data");
  if (!source) return;
  var data = JSON.parse(source.textContent);
  var RED = "#b42318";

  function draw(id, option, height) {
    var el = document.getElementById(id);
    if (!el) return null;
    el.style.height = (height || 280) + "px";
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
    el.setAttribute("data-rendered", "true");
    return chart;
  }

  function bars(id, rows) {
    if (!rows || !rows.length) return;
    var ordered = rows.slice().reverse(); // the largest on top
    draw(id, {
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: ordered.map(function (r) { return r[0]; }) },
      series: [{ type: "bar", color: RED, data: ordered.map(function (r) { return r[1]; }) }]
    }, Math.max(160, 28 * rows.length + 40));
  }

  function line(id, rows, name) {
    if (!rows || !rows.length) return;
    draw(id, {
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: rows.map(function (r) { return r[0]; }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "line", name: name || "", color: RED, smooth: false, data: rows.map(function (r) { return r[1]; }) }]
    });
  }

  // The districts coloured by volume, or by one of the four rates (the select beside the map); the
  // tooltip gives the volume and the four rates. The hot spots (if any) as points sized by their heat.
  function districtMap(id, rows, spots, rates, rateLabels, volumeLabel) {
    var el = document.getElementById(id);
    if (!el || !rows) return;
    rates = rates || [];
    rateLabels = rateLabels || {};
    var byName = {};
    rows.forEach(function (r, i) { byName[r[0]] = { volume: r[1], rates: rates[i] || {} }; });
    function coloured(measure) {
      if (measure === "volume") {
        var max = Math.max.apply(null, rows.map(function (r) { return r[1]; }).concat([1]));
        return { min: 0, max: max, data: rows.map(function (r) { return { name: r[0], value: r[1] }; }) };
      }
      return {
        min: 0, max: 100,
        data: rows.map(function (r, i) {
          var value = (rates[i] || {})[measure];
          return { name: r[0], value: value === null || value === undefined ? "-" : value };
        })
      };
    }
    function regionTip(p) {
      var html = window.echarts.format.encodeHTML;
      var found = byName[p.name];
      if (!found) return html(p.name);
      var lines = [html(p.name), html(volumeLabel || "") + ": " + found.volume];
      Object.keys(rateLabels).forEach(function (key) {
        var value = found.rates[key];
        lines.push(html(rateLabels[key]) + ": " + (value === null || value === undefined ? "—" : value + "%"));
      });
      return lines.join("<br>");
    }
    fetch(el.getAttribute("data-geojson"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (geo) {
        if (!geo || !geo.features || !geo.features.length) return;
        window.echarts.registerMap("hotline-districts", geo);
        var hottest = Math.max.apply(null, (spots || []).map(function (s) { return s.value[2]; }).concat([1]));
        var first = coloured("volume");
        var chart = draw(id, {
          tooltip: { trigger: "item" },
          visualMap: { min: first.min, max: first.max, calculable: true, left: 8, bottom: 8, seriesIndex: 0, inRange: { color: ["#fef3f2", RED] } },
          geo: { map: "hotline-districts", roam: false, label: { show: true } },
          series: [{
            type: "map", geoIndex: 0, name: "districts",
            tooltip: { formatter: regionTip },
            data: first.data
          }, {
            type: "scatter", coordinateSystem: "geo", name: "hotspots", color: "#1d4ed8",
            symbolSize: function (value) { return 8 + 16 * Math.sqrt(value[2] / hottest); },
            // The place and description are citizens' words: escaped before ECharts renders them as HTML.
            tooltip: { formatter: function (p) {
              var html = window.echarts.format.encodeHTML;
              return "#" + p.data.rank + " " + html(p.data.name) + "<br>" + html(p.data.description);
            } },
            data: spots || []
          }]
        }, 360);
        var select = document.getElementById("district-measure");
        if (chart && select) {
          select.addEventListener("change", function () {
            var next = coloured(select.value);
            chart.setOption({ visualMap: { min: next.min, max: next.max }, series: [{ data: next.data }] });
            el.setAttribute("data-measure", select.value);
          });
        }
      });
  }

  // The trend, and after it (when the worker has forecast) the next days' expected volume as a
  // dashed line inside its 80% band: the band is the low edge (transparent) with the width from it
  // to the high edge stacked on it. The forecast starts today, so today has both its count so far
  // and its forecast.
  function trendWithForecast(id, rows, ahead, labels) {
    if (!ahead || !ahead.length) { line(id, rows); return; }
    if (!rows) rows = [];
    var days = rows.map(function (r) { return r[0]; });
    ahead.forEach(function (f) { if (days.indexOf(f[0]) < 0) days.push(f[0]); });
    var counts = {}, predicted = {};
    rows.forEach(function (r) { counts[r[0]] = r[1]; });
    ahead.forEach(function (f) { predicted[f[0]] = f; });
    function pick(fn) { return days.map(function (d) { return predicted[d] ? fn(predicted[d]) : null; }); }
    var names = labels || {};
    draw(id, {
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      legend: { top: 0, data: [names.volume, names.expected, names.band] },
      tooltip: {
        trigger: "axis",
        formatter: function (items) {
          var day = items.length ? items[0].axisValue : "";
          var lines = [day];
          if (counts[day] !== undefined) lines.push(names.volume + ": " + counts[day]);
          var f = predicted[day];
          if (f) lines.push(names.expected + ": " + f[1] + " (" + f[2] + "–" + f[3] + ")");
          return lines.join("<br>");
        }
      },
      xAxis: { type: "category", data: days },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { type: "line", name: names.volume, color: RED, data: days.map(function (d) { return d in counts ? counts[d] : null; }) },
        { type: "line", name: names.expected, color: "#1d4ed8", lineStyle: { type: "dashed" }, data: pick(function (f) { return f[1]; }) },
        { type: "line", name: names.band, stack: "band", symbol: "none", lineStyle: { opacity: 0 }, color: "#1d4ed8", data: pick(function (f) { return f[2]; }) },
        { type: "line", name: names.band, stack: "band", symbol: "none", lineStyle: { opacity: 0 }, color: "#1d4ed8",
          areaStyle: { color: "#1d4ed8", opacity: 0.15 }, data: pick(function (f) { return Math.round((f[3] - f[2]) * 10) / 10; }) }
      ]
    });
  }

  // The leader overview.
  trendWithForecast("chart-trend", data.trend, data.forecast, data.labels);
  bars("chart-categories", data.categories);
  bars("chart-areas", data.areas);
  districtMap("chart-districts", data.districts, data.hotspots, data.district_rates, data.rate_labels,
    (data.labels || {}).volume);

  // The public statistics.
  if (data.months) {
    draw("chart-months", {
      grid: { left: 8, right: 40, top: 32, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      xAxis: { type: "category", data: data.months.map(function (m) { return m.month; }) },
      yAxis: [{ type: "value", minInterval: 1 }, { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } }],
      series: [
        { type: "bar", name: data.labels.volume, color: "#9aa5b1", data: data.months.map(function (m) { return m.volume; }) },
        { type: "line", name: data.labels.on_time, yAxisIndex: 1, color: RED, data: data.months.map(function (m) { return m.on_time; }) },
        { type: "line", name: data.labels.satisfied, yAxisIndex: 1, color: "#05603a", data: data.months.map(function (m) { return m.satisfied; }) }
      ]
    }, 320);
  }
  if (data.shares && data.shares.length) {
    draw("chart-shares", {
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      series: [{ type: "pie", radius: ["35%", "65%"], data: data.shares.map(function (r) { return { name: r[0], value: r[1] }; }) }]
    }, 300);
  }
})();
