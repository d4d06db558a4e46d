// The grid worker's report page: the phone's location into the form's hidden latitude/longitude,
// asked for when the page opens and again with the 重新定位 button. Without a location (no
// permission, no signal, no support) the status says so and the worker types the place instead;
// the server requires one or the other. The texts come from the page (data-*), in its language.
(function () {
  var form = document.getElementById("grid-report");
  if (!form) return;
  var status = document.getElementById("location-status");
  var button = document.getElementById("locate");
  var lat = form.elements["latitude"];
  var lon = form.elements["longitude"];
  var address = form.elements["address"];

  function show(text, state) {
    status.textContent = text;
    status.className = state || "";
  }

  function located(latitude, longitude, accuracy) {
    lat.value = latitude.toFixed(6);
    lon.value = longitude.toFixed(6);
    var text = status.dataset.located + " " + latitude.toFixed(5) + ", " + longitude.toFixed(5);
    if (accuracy) text += "（" + status.dataset.accuracy.replace("%(m)s", Math.round(accuracy)) + "）";
    show(text, "located");
  }

  function failed(error) {
    lat.value = "";
    lon.value = "";
    show(error && error.code === 1 ? status.dataset.denied : status.dataset.failed, "failed");
    if (!address.value) address.focus();
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
