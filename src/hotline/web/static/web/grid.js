// The grid worker's report page: the phone's location into the form's hidden latitude/longitude,
// asked for when the page opens and again with the 重新定位 button. Without a location (no
// permission, no signal, no support) the status says so and the worker types the place instead;
// the server requires one or the other. The texts come from the page (data-*), in its language,
// as whole sentences with %(name)s blanks: their words, order and brackets are the translation's.
(function () {
  var form = document.getElementById("grid-report");
  if (!form) return;
  var status = document.getElementById("location-status");
  var button = document.getElementById("locate");
  var lat = form.elements["latitude"];
  var lon = form.elements["longitude"];

  function show(text, state) {
    status.textContent = text;
    status.className = state || "";
  }

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (blank, name) {
      return name in values ? values[name] : blank;
    });
  }

  function located(latitude, longitude, accuracy) {
    lat.value = latitude.toFixed(6);
    lon.value = longitude.toFixed(6);
    var values = { position: latitude.toFixed(5) + ", " + longitude.toFixed(5), m: Math.round(accuracy) };
    show(format(accuracy ? status.dataset.locatedAccuracy : status.dataset.located, values), "located");
  }

  // The status is a live region: it tells the worker, and the focus stays where they are. Taken to
  // the place, it would pop up the phone's keyboard as the page opens (no permission) and split the
  // words being typed in another field between the two (an answer that comes late).
  function failed(error) {
    lat.value = "";
    lon.value = "";
    show(error && error.code === 1 ? status.dataset.denied : status.dataset.failed, "failed");
  }

  function locate() {
    if (!("geolocation" in navigator)) {
      show(status.dataset.unsupported, "failed");
      return;
    }
    show(status.dataset.locating);
    navigator.geolocation.getCurrentPosition(
      function (position) {
        located(position.coords.latitude, position.coords.longitude, position.coords.accuracy);
      },
      failed,
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  }

  button.addEventListener("click", locate);
  if (lat.value && lon.value) {
    // The form came back (a field to correct): keep the position it was sent with.
    located(parseFloat(lat.value), parseFloat(lon.value), 0);
  } else {
    locate();
  }
})();
