// The ECharts the pages load: only the charts and components web/static/web/charts.js and
// ticket_map.js draw with, bundled by esbuild at `make install` (Makefile) into
// node_modules/.hotline/echarts.min.js, which settings.NODE_FILES serves as vendor/echarts/echarts.min.js.
// The full build is 368 KB gzipped; this one 227 KB: the public statistics open on citizens' phones.
// A chart type or component used there and missing here draws nothing: add it to both lists.
import * as echarts from "echarts/core";
import { BarChart, EffectScatterChart, LineChart, MapChart, PieChart, ScatterChart } from "echarts/charts";
import {
  GeoComponent,
  GridComponent,
  LegendComponent,
  LegendScrollComponent,
  TooltipComponent,
  VisualMapComponent,
} from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([
  BarChart,
  EffectScatterChart,
  LineChart,
  MapChart,
  PieChart,
  ScatterChart,
  GeoComponent,
  GridComponent,
  LegendComponent,
  LegendScrollComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

// The pages' scripts find it where the full build puts it.
window.echarts = echarts;
