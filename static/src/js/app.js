/* parkchain: mount every [data-echarts] element from the JSON option named by its attribute
   (written with Django's json_script), on page load and after htmx swaps. */
(function () {
  "use strict";

  var charts = [];

  function mount(root) {
    if (!window.echarts || !root || !root.querySelectorAll) {
      return;
    }
    root.querySelectorAll("[data-echarts]").forEach(function (el) {
      if (el.getAttribute("data-echarts-mounted")) {
        return;
      }
      var source = document.getElementById(el.getAttribute("data-echarts"));
      if (!source) {
        return;
      }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(JSON.parse(source.textContent));
      el.setAttribute("data-echarts-mounted", "1");
      charts.push(chart);
    });
  }

  function resizeAll() {
    charts = charts.filter(function (chart) {
      return !chart.isDisposed() && document.body.contains(chart.getDom());
    });
    charts.forEach(function (chart) {
      chart.resize();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    mount(document);
  });
  document.addEventListener("htmx:load", function (event) {
    mount(event.target);
  });
  window.addEventListener("resize", resizeAll);

  // Filter bars send every field; drop the empty ones so pushed URLs stay short and shareable.
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "get") {
      return;
    }
    var params = event.detail.parameters;
    Object.keys(params).forEach(function (key) {
      if (params[key] === "") {
        delete params[key];
      }
    });
  });
})();
