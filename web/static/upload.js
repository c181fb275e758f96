// The upload page: files dropped or chosen are sent one request each, with
// the metadata fields of the form, and each shows its own progress bar.
// XMLHttpRequest rather than fetch: only it reports upload progress.
(function () {
  "use strict";
  var form = document.querySelector("form[data-upload]");
  if (!form) { return; }
  var zone = form.querySelector("[data-dropzone]");
  var input = form.querySelector("input[type=file]");
  var list = form.querySelector("[data-upload-list]");
  var rowTemplate = form.querySelector("template[data-upload-row]");
  var csrf = document.body.getAttribute("data-csrf") || "";
  var queued = [];

  function addFiles(files) {
    for (var i = 0; i < files.length; i++) {
      var row = rowTemplate.content.firstElementChild.cloneNode(true);
      row.querySelector(".upload-name").textContent = files[i].name;
      var status = row.querySelector(".upload-status");
      status.textContent = status.getAttribute("data-waiting");
      row.querySelector("progress").setAttribute("aria-label", files[i].name);
      list.appendChild(row);
      queued.push({ file: files[i], row: row });
    }
  }

  function clearErrors() {
    form.querySelectorAll("[data-error-for]").forEach(function (el) { el.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
  }

  function showError(field, detail) {
    var box = form.querySelector('[data-error-for="' + field + '"]') || form.querySelector('[data-error-for=""]');
    var p = document.createElement("p");
    p.className = "field-error";
    p.setAttribute("role", "alert");
    p.textContent = detail;
    box.appendChild(p);
    var inputEl = form.querySelector('[name="' + field + '"]');
    if (inputEl) { inputEl.setAttribute("aria-invalid", "true"); }
  }

  function send(item) {
    return new Promise(function (resolve) {
      var data = new FormData();
      // Metadata first: the server checks it before it stores a byte.
      new FormData(form).forEach(function (value, name) {
        if (name !== "file") { data.append(name, value); }
      });
      data.append("file", item.file, item.file.name);
      var xhr = new XMLHttpRequest();
      var bar = item.row.querySelector("progress");
      var status = item.row.querySelector(".upload-status");
      xhr.upload.addEventListener("progress", function (ev) {
        if (ev.lengthComputable) { bar.value = Math.round(ev.loaded / ev.total * 100); }
      });
      xhr.addEventListener("load", function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = { detail: xhr.statusText }; }
        if (xhr.status === 201) {
          bar.value = 100;
          status.textContent = status.getAttribute("data-sent") + " ";
          var a = document.createElement("a");
          a.href = body.url;
          a.textContent = status.getAttribute("data-open");
          status.appendChild(a);
          item.row.classList.add("done");
        } else {
          status.textContent = status.getAttribute("data-failed");
          item.row.classList.add("failed");
          showError(body.field || "", item.file.name + ": " + (body.detail || xhr.statusText));
        }
        resolve();
      });
      xhr.addEventListener("error", function () {
        status.textContent = status.getAttribute("data-failed");
        item.row.classList.add("failed");
        resolve();
      });
      xhr.open("POST", "/upload");
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      xhr.send(data);
    });
  }

  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (ev) { ev.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function () { zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (ev) {
    ev.preventDefault();
    addFiles(ev.dataTransfer.files);
  });
  input.addEventListener("change", function () {
    addFiles(input.files);
    input.value = "";
  });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    clearErrors();
    var batch = queued.filter(function (q) { return !q.row.classList.contains("done"); });
    if (batch.length === 0) {
      showError("file", form.querySelector("[data-dropzone] p").textContent);
      return;
    }
    // One after the other: the bars fill in turn and the server is not flooded.
    batch.reduce(function (p, item) { return p.then(function () { return send(item); }); }, Promise.resolve())
      .then(function () { form.setAttribute("data-finished", String(Date.now())); });
  });
})();
