// The photo of the citizen's appeal and of the grid worker's report (<input type="file"
// data-max-bytes="N">), made small enough to be taken. A phone's camera takes photos of 6-12 MB,
// more than the server takes (PORTAL["PHOTO_MAX_BYTES"]), and a phone gives its owner no way to
// shrink one: a photo over the limit, or of a type the server refuses that this browser can read
// (HEIC in Safari), is drawn again as a JPEG, smaller until it fits, and put in the field in its
// place. That also leaves out its EXIF (the camera's position among it). A form sent meanwhile
// waits for it. A photo the browser cannot read is left as chosen, the field says so, and the
// server, sent it, says what is wrong with it. The texts come from the field (data-*), in the
// page's language.
(function () {
  var TAKEN = ["image/jpeg", "image/png"];
  // A photo's longest side, in pixels: plenty for a problem on the street, about 1-2 MB as a JPEG.
  var LONGEST = 2560;
  var QUALITIES = [0.85, 0.7, 0.55];
  var TRIES = 6;

  function readable(file) {
    if (!window.createImageBitmap) return Promise.reject(new Error("no createImageBitmap"));
    // Turned as the camera was held (EXIF); a browser that knows no such option draws it as it is.
    return createImageBitmap(file, { imageOrientation: "from-image" }).catch(function () {
      return createImageBitmap(file);
    });
  }

  function drawn(bitmap, scale, quality) {
    var canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    var context = canvas.getContext("2d");
    // A JPEG has no transparency: a PNG's transparent parts would come out black, white as shown.
    context.fillStyle = "#fff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return new Promise(function (done) {
      canvas.toBlob(done, "image/jpeg", quality);
    });
  }

  // The first JPEG of `bitmap` within `limit` bytes: each size at each quality, then smaller.
  function fitted(bitmap, limit) {
    var scale = Math.min(1, LONGEST / Math.max(bitmap.width, bitmap.height));
    var tries = 0;
    var q = 0;
    function next() {
      if (tries >= TRIES) return Promise.reject(new Error("too large"));
      return drawn(bitmap, scale, QUALITIES[q]).then(function (blob) {
        if (blob && blob.size <= limit) return blob;
        q += 1;
        if (q === QUALITIES.length) {
          q = 0;
          tries += 1;
          scale *= 0.75;
        }
        return next();
      });
    }
    return next();
  }

  // The page's own (there as it opens, so that a screen reader reads what it says next), else one
  // made for it.
  function statusOf(input) {
    var status = input.parentNode.querySelector(".photo-status");
    if (!status) {
      status = document.createElement("p");
      status.className = "photo-status";
      status.setAttribute("aria-live", "polite");
      input.insertAdjacentElement("afterend", status);
    }
    return status;
  }

  // The form sent while its photo is being made smaller waits for it (sent with the large one, it
  // would come back refused), then goes with the button pressed; pressed twice, it goes once.
  var held = new WeakMap();
  // Each field's latest choice, counted: a photo chosen again while the one before is being made
  // smaller replaces it, and what is made of the one before is dropped.
  var choices = new WeakMap();

  function waiting(form, yes) {
    if (!form) return;
    form.toggleAttribute("data-photo-busy", yes);
    if (yes || !held.has(form)) return;
    var submitter = held.get(form);
    held.delete(form);
    form.requestSubmit(submitter || undefined);
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) return;
    var status = statusOf(input);
    status.textContent = "";
    status.className = "photo-status";
    var choice = (choices.get(input) || 0) + 1;
    choices.set(input, choice);
    function latest() {
      return choices.get(input) === choice;
    }
    var form = input.form;
    var file = input.files && input.files[0];
    var limit = parseInt(input.dataset.maxBytes, 10);
    var taken = file && file.size <= limit && (!file.type || TAKEN.indexOf(file.type) >= 0);
    // Sent as it is: a form held for the photo chosen before goes now, with this one.
    if (!file || !limit || !window.DataTransfer || taken) {
      waiting(form, false);
      return;
    }
    waiting(form, true);
    status.textContent = input.dataset.shrinking;
    readable(file)
      .then(function (bitmap) {
        return fitted(bitmap, limit).finally(function () {
          if (bitmap.close) bitmap.close();
        });
      })
      .then(function (blob) {
        if (!latest()) return;
        var name = (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg";
        var chosen = new DataTransfer();
        chosen.items.add(new File([blob], name, { type: "image/jpeg", lastModified: file.lastModified }));
        input.files = chosen.files; // set by the script: no change event, nothing done twice
        var mb = (blob.size / (1024 * 1024)).toFixed(1);
        status.textContent = input.dataset.shrunk.replace("%(mb)s", mb);
        status.className = "photo-status ok";
      })
      .catch(function () {
        if (!latest()) return;
        status.textContent = input.dataset.unreadable;
        status.className = "photo-status error";
      })
      .finally(function () {
        if (latest()) waiting(form, false);
      });
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-photo-busy")) return;
    event.preventDefault();
    held.set(form, event.submitter || null);
  });
})();
