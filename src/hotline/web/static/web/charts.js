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

  // Where a district's name goes: the middle of its largest ring (area-weighted), as [lon, lat].
  function middleOf(feature) {
    var geometry = feature.geometry || {};
    var polygons = geometry.type === "MultiPolygon" ? geometry.coordinates : [geometry.coordinates || []];
    var best = null;
    polygons.forEach(function (polygon) {
      var ring = polygon[0] || [];
      var area = 0, x = 0, y = 0;
      for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        var cross = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
        area += cross;
        x += (ring[j][0] + ring[i][0]) * cross;
        y += (ring[j][1] + ring[i][1]) * cross;
      }
      if (!ring.length) return;
      var middle = area ? [x / (3 * area), y / (3 * area)] : ring[0];
      if (!best || Math.abs(area) > best.area) best = { area: Math.abs(area), at: middle };
    });
    return best ? best.at : null;
  }

  function inside(point, feature) {
    var geometry = feature.geometry || {};
    var polygons = geometry.type === "MultiPolygon" ? geometry.coordinates : [geometry.coordinates || []];
    return polygons.some(function (polygon) {
      var within = false;
      var ring = polygon[0] || [];
      for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        if ((ring[i][1] > point[1]) !== (ring[j][1] > point[1]) &&
            point[0] < (ring[j][0] - ring[i][0]) * (point[1] - ring[i][1]) / (ring[j][1] - ring[i][1]) + ring[i][0]) {
          within = !within;
        }
      }
      return within;
    });
  }

  // The districts' names, placed clear of the hot spots' dots: the hot spots with no point of their
  // own are put in the middle of their district, just where a map writes the district's name. Each
  // name takes the first place near its district's middle, inside the district, that no dot and no
  // name placed before it covers (in pixels, so again after a resize); the names are drawn over the
  // dots on a light box, so that a crowded district's name is still read where no place is free.
  var NAME_FONT = 12;
  function placeNames(chart, geo, dots) {
    var measure = document.createElement("canvas").getContext("2d");
    measure.font = NAME_FONT + "px " + getComputedStyle(document.body).fontFamily;
    var taken = dots.map(function (dot) {
      var at = chart.convertToPixel("geo", [dot.value[0], dot.value[1]]);
      var r = dot.size / 2 + 2;
      return { left: at[0] - r, right: at[0] + r, top: at[1] - r, bottom: at[1] + r };
    });
    function free(box) {
      return !taken.some(function (t) {
        return box.left < t.right && t.left < box.right && box.top < t.bottom && t.top < box.bottom;
      });
    }
    return geo.features.map(function (feature) {
      var name = feature.properties.name;
      var middle = middleOf(feature);
      if (!middle) return null;
      var centre = chart.convertToPixel("geo", middle);
      var width = measure.measureText(name).width + 8, height = NAME_FONT + 6;
      var step = height + 2, chosen = null;
      // The middle, then rings of places around it, nearest first.
      var places = [[0, 0]];
      for (var ring = 1; ring <= 6; ring++) {
        [[0, -1], [0, 1], [-1, 0], [1, 0], [-1, -1], [1, -1], [-1, 1], [1, 1]].forEach(function (d) {
          places.push([d[0] * ring * (width / 2 + 4), d[1] * ring * step]);
        });
      }
      for (var k = 0; k < places.length && !chosen; k++) {
        var x = centre[0] + places[k][0], y = centre[1] + places[k][1];
        var box = { left: x - width / 2, right: x + width / 2, top: y - height / 2, bottom: y + height / 2 };
        var corners = [[box.left, box.top], [box.right, box.top], [box.left, box.bottom], [box.right, box.bottom]];
        var within = corners.every(function (c) { return inside(chart.convertFromPixel("geo", c), feature); });
        if (within && free(box)) chosen = { at: [x, y], box: box };
      }
      if (!chosen) {
        chosen = { at: centre, box: { left: centre[0] - width / 2, right: centre[0] + width / 2,
          top: centre[1] - height / 2, bottom: centre[1] + height / 2 } };
      }
      taken.push(chosen.box);
      return { name: name, value: chart.convertFromPixel("geo", chosen.at) };
    }).filter(Boolean);
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
        spots = spots || [];
        var hottest = Math.max.apply(null, spots.map(function (s) { return s.value[2]; }).concat([1]));
        var dots = spots.map(function (s) { return { value: s.value, size: 8 + 16 * Math.sqrt(s.value[2] / hottest) }; });
        var first = coloured("volume");
        var chart = draw(id, {
          tooltip: { trigger: "item" },
          // The colour scale lies under the districts, in a strip of its own: upright in the bottom left
          // corner, it covered a district whenever the map was narrow (a phone, the desktop's half).
          visualMap: { min: first.min, max: first.max, calculable: true, orient: "horizontal", left: "center", bottom: 4,
            seriesIndex: 0, inRange: { color: ["#fef3f2", RED] } },
          // The names are the "names" series' (below), not the map's own: those are drawn under the dots.
          geo: { map: "hotline-districts", roam: false, left: 8, right: 8, top: 8, bottom: 84, label: { show: false }, emphasis: { label: { show: false } } },
          series: [{
            type: "map", geoIndex: 0, name: "districts",
            tooltip: { formatter: regionTip },
            data: first.data
          }, {
            type: "scatter", coordinateSystem: "geo", name: "hotspots", z: 3,
            itemStyle: { color: "#1d4ed8", opacity: 0.85, borderColor: "#fff", borderWidth: 1 },
            symbolSize: function (value) { return 8 + 16 * Math.sqrt(value[2] / hottest); },
            // The place and description are citizens' words: escaped before ECharts renders them as HTML.
            tooltip: { formatter: function (p) {
              var html = window.echarts.format.encodeHTML;
              return "#" + p.data.rank + " " + html(p.data.name) + "<br>" + html(p.data.description);
            } },
            data: spots
          }, {
            type: "scatter", coordinateSystem: "geo", name: "names", z: 4, silent: true,
            symbol: "circle", symbolSize: 1, itemStyle: { color: "transparent" }, tooltip: { show: false },
            label: {
              show: true, position: "inside", formatter: "{b}", fontSize: NAME_FONT, color: "#1f2933",
              backgroundColor: "rgba(255, 255, 255, 0.85)", borderRadius: 3, padding: [2, 4]
            },
            data: []
          }]
        }, 360);
        if (!chart) return;
        function names() { chart.setOption({ series: [{}, {}, { data: placeNames(chart, geo, dots) }] }); }
        names();
        window.addEventListener("resize", names);
        var select = document.getElementById("district-measure");
        if (select) {
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
  // and its forecast. Today is not over: its count is drawn apart from the whole days (a dashed
  // segment from yesterday to a hollow point), named on the axis and in the legend as counted up to
  // now (`today.label`: 今日截至 HH:MM), so that a low count at noon is not read as a fall.
  function trendWithForecast(id, rows, ahead, labels, today) {
    if (!rows || !rows.length) return;
    ahead = ahead || [];
    today = today || {};
    var days = rows.map(function (r) { return r[0]; });
    ahead.forEach(function (f) { if (days.indexOf(f[0]) < 0) days.push(f[0]); });
    var counts = {}, predicted = {};
    rows.forEach(function (r) { counts[r[0]] = r[1]; });
    ahead.forEach(function (f) { predicted[f[0]] = f; });
    function pick(fn) { return days.map(function (d) { return predicted[d] ? fn(predicted[d]) : null; }); }
    var names = labels || {};
    var partial = today.day && today.day in counts ? today.day : null;
    var before = partial ? days[days.indexOf(partial) - 1] : null;
    var series = [
      { type: "line", name: names.volume, color: RED, symbol: "circle", symbolSize: 5, data: days.map(function (d) {
        return d in counts && d !== partial ? counts[d] : null;
      }) }
    ];
    var legend = [names.volume];
    if (partial) {
      // Yesterday's point joins the whole days' line to today's; today's point says what it is.
      series.push({
        type: "line", name: today.label, color: "#f79009", symbol: "emptyCircle", symbolSize: 10,
        lineStyle: { type: "dotted", width: 2 },
        data: days.map(function (d) {
          if (d === partial) {
            return { value: counts[d], label: { show: true, position: "top", formatter: today.label,
              backgroundColor: "rgba(255, 255, 255, 0.85)", padding: [2, 4] } };
          }
          return d === before && d in counts ? { value: counts[d], symbol: "none" } : null;
        })
      });
      legend.push(today.label);
    }
    if (ahead.length) {
      series.push(
        { type: "line", name: names.expected, color: "#1d4ed8", lineStyle: { type: "dashed" }, data: pick(function (f) { return f[1]; }) },
        { type: "line", name: names.band, stack: "band", symbol: "none", lineStyle: { opacity: 0 }, color: "#1d4ed8", data: pick(function (f) { return f[2]; }) },
        { type: "line", name: names.band, stack: "band", symbol: "none", lineStyle: { opacity: 0 }, color: "#1d4ed8",
          areaStyle: { color: "#1d4ed8", opacity: 0.15 }, data: pick(function (f) { return Math.round((f[3] - f[2]) * 10) / 10; }) }
      );
      legend.push(names.expected, names.band);
    }
    function dayName(day) { return day === partial ? day + " " + today.label : day; }
    draw(id, {
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      legend: { top: 0, data: legend },
      tooltip: {
        trigger: "axis",
        formatter: function (items) {
          var html = window.echarts.format.encodeHTML;
          var day = items.length ? items[0].axisValue : "";
          var lines = [html(dayName(day))];
          if (counts[day] !== undefined) lines.push(html(names.volume) + ": " + counts[day]);
          var f = predicted[day];
          if (f) lines.push(html(names.expected) + ": " + f[1] + " (" + f[2] + "–" + f[3] + ")");
          return lines.join("<br>");
        }
      },
      // The first and last dates start and end at their ticks: centred, the first was cut by the chart's left
      // edge on a phone.
      xAxis: { type: "category", data: days, axisLabel: { alignMinLabel: "left", alignMaxLabel: "right", formatter: function (day) {
        return day === partial ? today.label : day;
      } } },
      yAxis: { type: "value", minInterval: 1 },
      series: series
    });
  }

  // The leader overview.
  trendWithForecast("chart-trend", data.trend, data.forecast, data.labels, data.today);
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
    // On a phone the labels around the ring would be cut to "市场..."; there the names go in a
    // legend below it, whole, and the table under the chart has every figure.
    var shares = document.getElementById("chart-shares");
    var narrow = shares && shares.clientWidth < 520;
    draw("chart-shares", {
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: narrow ? { bottom: 0, type: "scroll" } : { show: false },
      series: [{
        type: "pie", radius: narrow ? ["28%", "52%"] : ["35%", "65%"], center: ["50%", narrow ? "42%" : "50%"],
        label: { show: !narrow },
        data: data.shares.map(function (r) { return { name: r[0], value: r[1] }; })
      }]
    }, narrow ? 340 : 300);
  }
})();
