// Admin, members and token pages: small enhancements; every page works without them.
(function () {
  "use strict";

  // Ask before a form with data-confirm is sent (locking an account, revoking a token...).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // A page of many small forms (the award list): each saves only itself. Sending one, or
  // leaving the page, while another holds typed changes would drop them without a word.
  var guarded = Array.prototype.slice.call(document.querySelectorAll("form[data-guard-edits]"));
  function snapshot(form) {
    return Array.prototype.map.call(form.elements, function (el) {
      return el.name + "=" + (el.type === "checkbox" ? el.checked : el.value);
    }).join("&");
  }
  var initial = guarded.map(snapshot);
  function unsaved(except) {
    return guarded.filter(function (form, index) {
      return form !== except && snapshot(form) !== initial[index];
    }).map(function (form) { return form.getAttribute("data-guard-edits"); });
  }
  var leaving = false;
  if (guarded.length) {
    document.addEventListener("submit", function (event) {
      if (event.defaultPrevented) return;
      var others = unsaved(event.target);
      if (others.length && !window.confirm("Các thay đổi chưa lưu ở " + others.join(", ") +
          " sẽ mất nếu gửi biểu mẫu này. Vẫn gửi?")) {
        event.preventDefault();
        return;
      }
      leaving = true;
    });
    window.addEventListener("beforeunload", function (event) {
      if (!leaving && unsaved(null).length) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }

  // "Copy" buttons: shown only where the clipboard can be written.
  var buttons = document.querySelectorAll("[data-copy]");
  Array.prototype.forEach.call(buttons, function (button) {
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        button.textContent = "Đã sao chép";
      });
    });
  });
})();
