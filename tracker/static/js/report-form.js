/* Report form and review form: live counts, suggested points, total and grade.
   Enhancement only: without this script the forms submit and the server computes the same. */
(function () {
  "use strict";

  var GRADE_LABELS = { tot: "Tốt", kha: "Khá", trung_binh: "Trung bình", kem: "Kém" };

  function halfPoints(text) {
    // "7,5" or "7.5" -> 15; null when blank or not a multiple of 0.5.
    var value = String(text || "").trim().replace(",", ".");
    if (value === "" || !/^\d+(\.\d+)?$/.test(value)) return null;
    var doubled = Number(value) * 2;
    return Number.isInteger(doubled) ? doubled : null;
  }

  function formatHalf(half) {
    return half % 2 === 0 ? String(half / 2) : String(Math.floor(half / 2)) + ",5";
  }

  function gradeOf(form, total, gatesFull) {
    var tot = Number(form.dataset.tot), kha = Number(form.dataset.kha), tb = Number(form.dataset.tb);
    if (total >= tot) return gatesFull ? "tot" : "kha";
    if (total >= kha) return "kha";
    if (total >= tb) return "trung_binh";
    return "kem";
  }

  /* The sentence of tracker/domain/grade_reasons.report_grade_reason (same words). */
  function gradeNote(total, shortfalls) {
    if (!shortfalls.length) return "";
    var parts = shortfalls.map(function (s) {
      return "\u201c" + s.title + "\u201d thiếu " + formatHalf(s.max - s.half) + " điểm (" +
        formatHalf(s.half) + "/" + formatHalf(s.max) + ")";
    });
    return "Tổng " + formatHalf(total) + " điểm nhưng xếp loại Khá: loại Tốt cần đủ điểm mọi tiêu chí " +
      "bắt buộc, mà " + parts.join("; ") + ".";
  }

  function updateTotal(form, inputs) {
    var total = 0, complete = true, gatesFull = true, shortfalls = [];
    inputs.forEach(function (input) {
      var half = halfPoints(input.value), max = Number(input.dataset.max);
      if (half === null || half > max) { complete = false; return; }
      total += half;
      if (input.dataset.gate === "1" && half < max) {
        gatesFull = false;
        shortfalls.push({ title: input.dataset.title || "", half: half, max: max });
      }
    });
    var noteBox = document.getElementById("grade-note");
    if (noteBox) {
      var note = complete && total >= Number(form.dataset.tot) ? gradeNote(total, shortfalls) : "";
      noteBox.textContent = note;
      noteBox.hidden = !note;
    }
    var totalBox = document.getElementById("score-total");
    var gradeBox = document.getElementById("score-grade");
    if (totalBox) totalBox.textContent = formatHalf(total);
    if (gradeBox) {
      if (complete) {
        var grade = gradeOf(form, total, gatesFull);
        gradeBox.innerHTML = "";
        var badge = document.createElement("span");
        badge.className = "grade grade--" + grade;
        badge.textContent = GRADE_LABELS[grade];
        gradeBox.appendChild(badge);
      } else {
        gradeBox.textContent = "chưa đủ điểm các tiêu chí";
      }
    }
  }

  /* The rules of tracker/domain/scoring.suggest_points, in half-points and whole numbers. */
  function suggest(facts, max) {
    function scaled(code, tenths) { return Math.floor(max[code] * tenths / 10); }
    var out = {};
    if (max.attendance !== undefined) {
      var t = 0, req = facts.required;
      if (req > 0 && facts.present * 100 > 85 * req) t = facts.unexcused === 0 ? 10 : 7;
      else if (req > 0 && facts.present * 100 > 70 * req) t = 5;
      out.attendance = scaled("attendance", t);
    }
    if (max.duration !== undefined && facts.duration !== null) {
      out.duration = scaled("duration", facts.duration >= 90 ? 10 : facts.duration >= 60 ? 5 : 0);
    }
    if (max.speaking !== undefined) {
      var s = 0;
      if (facts.present > 0 && facts.speakers > 0) {
        var third = facts.speakers * 3 >= facts.present, fifth = facts.speakers * 5 >= facts.present;
        var youngOk = facts.youngSpeakers > 0 || facts.youngPresent === 0;
        s = third && youngOk ? 10 : (third || (fifth && youngOk)) ? 7 : 4;
      }
      out.speaking = scaled("speaking", s);
    }
    return out;
  }

  function setupReportForm(form) {
    var scoreInputs = Array.prototype.slice.call(form.querySelectorAll("input[data-code]"));
    var max = {};
    scoreInputs.forEach(function (input) { max[input.dataset.code] = Number(input.dataset.max); });
    var rows = Array.prototype.slice.call(form.querySelectorAll(".member"));
    var duration = form.querySelector("[name=duration_minutes]");
    var yearSelect = form.querySelector("[name=year]");

    function youngRule() {
      // Young: younger than the campaign year's limit in that year (year - birth year < limit).
      var option = yearSelect && yearSelect.options[yearSelect.selectedIndex];
      var year = option ? Number(option.value) : NaN;
      var limit = option ? Number(option.getAttribute("data-young-limit")) : NaN;
      var yearBox = document.getElementById("young-year"), limitBox = document.getElementById("young-limit");
      if (yearBox && year) yearBox.textContent = String(year);
      if (limitBox && limit) limitBox.textContent = String(limit);
      return function (born) { return year - born < limit; };
    }

    function recount() {
      var c = { summoned: 0, exempted: 0, present: 0, absent_excused: 0, absent_unexcused: 0, speakers: 0, young_speakers: 0 };
      var youngPresent = 0;
      var isYoung = youngRule();
      rows.forEach(function (row) {
        var status = row.querySelector("select").value;
        var spoke = row.querySelector("input[type=checkbox]");
        var reason = row.querySelector(".member__reason");
        var young = isYoung(Number(row.dataset.born));
        c.summoned += 1;
        if (c[status] !== undefined) c[status] += 1;
        spoke.disabled = status !== "present";
        if (spoke.disabled) spoke.checked = false;
        reason.hidden = !(status === "absent_excused" || status === "absent_unexcused");
        if (status === "present") {
          if (young) youngPresent += 1;
          if (spoke.checked) { c.speakers += 1; if (young) c.young_speakers += 1; }
        }
      });
      if (rows.length) {
        Object.keys(c).forEach(function (key) {
          var box = form.querySelector('[data-count="' + key + '"]');
          if (box) box.textContent = String(c[key]);
        });
      } else {
        Object.keys(c).forEach(function (key) {
          var input = form.querySelector("[name=" + key + "]");
          c[key] = input && /^\d+$/.test(input.value.trim()) ? Number(input.value) : 0;
        });
      }
      var minutes = duration && /^\d+$/.test(duration.value.trim()) ? Number(duration.value) : null;
      var suggestions = suggest({
        required: c.summoned - c.exempted, present: c.present, unexcused: c.absent_unexcused,
        duration: minutes, speakers: c.speakers, youngSpeakers: c.young_speakers, youngPresent: youngPresent
      }, max);
      // Every suggestion box: the new value, or "—" (and no "Dùng" button) when there is none.
      var followed = false;
      Array.prototype.forEach.call(form.querySelectorAll("[data-suggest]"), function (box) {
        var code = box.dataset.suggest;
        var known = suggestions[code] !== undefined;
        box.textContent = known ? formatHalf(suggestions[code]) : "\u2014";
        var apply = form.querySelector('[data-apply="' + code + '"]');
        if (apply) apply.hidden = !known;
        // A score taken with "Dùng" follows the facts when they change (issue 12).
        var input = document.getElementById("score-" + code);
        if (known && input && input.dataset.follows === "1" && halfPoints(input.value) !== suggestions[code]) {
          input.value = formatHalf(suggestions[code]);
          followed = true;
        }
      });
      lastSuggestions = suggestions;
      if (followed) updateTotal(form, scoreInputs);
      showDifferences();
    }

    /* The words of tracker/domain/consistency.contradictions. */
    function contradictions() {
      function box(name) { var el = form.querySelector("[name=" + name + "]"); return !!(el && el.checked); }
      function score(code) {
        var input = document.getElementById("score-" + code);
        return input ? { half: halfPoints(input.value) || 0, max: Number(input.dataset.max), title: input.dataset.title } : null;
      }
      var file = form.querySelector("input[type=file]");
      var hasMinutes = form.dataset.hasMinutes === "1" || !!(file && file.files && file.files.length);
      var out = [], s;
      s = score("ideology");
      if (s && s.half && !box("ideology_covered") && !box("hcm_study_covered")) {
        out.push("Chấm " + formatHalf(s.half) + "/" + formatHalf(s.max) + " điểm \u201c" + s.title + "\u201d nhưng " +
          "báo cáo ghi không sinh hoạt tư tưởng và không học tập, làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.");
      }
      s = score("criticism");
      if (s && s.half && !box("criticism_done")) {
        out.push("Chấm " + formatHalf(s.half) + "/" + formatHalf(s.max) + " điểm \u201c" + s.title + "\u201d nhưng " +
          "báo cáo ghi không tự phê bình và phê bình.");
      }
      s = score("minutes");
      if (s && s.half && !hasMinutes) {
        out.push("Chấm " + formatHalf(s.half) + "/" + formatHalf(s.max) + " điểm \u201c" + s.title + "\u201d nhưng chưa đính kèm biên bản.");
      } else if (s && s.half === s.max && !box("minutes_complete")) {
        out.push("Chấm đủ " + formatHalf(s.max) + " điểm \u201c" + s.title + "\u201d nhưng báo cáo không đánh dấu " +
          "\u201cBiên bản ghi đủ ý kiến và kết luận\u201d.");
      }
      return out;
    }

    /* The self-score of a suggested criterion that differs from the facts: listed before submitting. */
    var lastSuggestions = {};
    function showDifferences() {
      var box = document.getElementById("score-checks");
      if (!box) return;
      var list = box.querySelector("ul");
      Array.prototype.forEach.call(list.querySelectorAll("[data-kind]"), function (li) { li.remove(); });
      contradictions().forEach(function (text) {
        var li = document.createElement("li");
        li.dataset.kind = "contradiction";
        li.textContent = text;
        list.appendChild(li);
      });
      scoreInputs.forEach(function (input) {
        var code = input.dataset.code, suggested = lastSuggestions[code], given = halfPoints(input.value);
        if (suggested === undefined || given === null || given === suggested) return;
        var li = document.createElement("li");
        li.dataset.flag = code;
        li.dataset.kind = "differs";
        li.textContent = "\u201c" + input.dataset.title + "\u201d: chấm " + formatHalf(given) +
          " điểm, số liệu gợi ý " + formatHalf(suggested) + " điểm.";
        list.appendChild(li);
      });
      box.hidden = list.children.length === 0;
    }

    form.addEventListener("change", function (event) {
      if (event.target.closest(".member") || event.target === duration || event.target === yearSelect ||
          rows.length === 0) recount();
      if (event.target.name === "delegate_present") toggleDelegate();
      showDifferences();
    });
    form.addEventListener("input", function (event) {
      if (event.target.dataset.code) {
        delete event.target.dataset.follows;  // typed by hand: her decision, no longer followed
        updateTotal(form, scoreInputs);
        showDifferences();
      }
      if (event.target === duration) recount();
    });
    form.addEventListener("click", function (event) {
      if (event.target.hasAttribute && event.target.hasAttribute("data-apply-all")) {
        Array.prototype.forEach.call(form.querySelectorAll("[data-apply]"), function (button) {
          if (!button.hidden) button.click();
        });
        return;
      }
      var code = event.target.dataset && event.target.dataset.apply;
      if (!code) return;
      var input = document.getElementById("score-" + code);
      var box = form.querySelector('[data-suggest="' + code + '"]');
      if (halfPoints(box.textContent) === null) return;
      input.value = box.textContent;
      input.dataset.follows = "1";
      updateTotal(form, scoreInputs);
      showDifferences();
    });

    var delegate = form.querySelector("[name=delegate_present]");
    var delegateName = form.querySelector(".js-delegate");
    function toggleDelegate() {
      if (delegate && delegateName) delegateName.hidden = !delegate.checked && !delegateName.querySelector(".field__error");
    }

    Array.prototype.forEach.call(form.querySelectorAll(".js-only"), function (el) { el.hidden = false; });
    Array.prototype.forEach.call(form.querySelectorAll(".no-js-only"), function (el) { el.hidden = true; });
    toggleDelegate();
    recount();
    updateTotal(form, scoreInputs);
  }

  function setupReviewForm(form) {
    var inputs = Array.prototype.slice.call(form.querySelectorAll("input[data-max]"));
    form.addEventListener("input", function () { updateTotal(form, inputs); });
  }

  /* A copy of what was typed, kept in this browser until the server has it (issue 12): a
     closed tab, a dead connection or a failed submit loses nothing. Cleared when the server
     confirms a save; offered back (never applied silently) when it differs from the form. */
  var STORE = (function () {
    try { var t = "__t"; window.localStorage.setItem(t, t); window.localStorage.removeItem(t); return window.localStorage; }
    catch (e) { return null; }
  })();

  function formValues(form) {
    var out = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.type === "submit" || el.type === "button" ||
          el.name === "csrf_token" || el.name === "action") return;
      if (el.type === "checkbox" || el.type === "radio") { if (el.checked) out.push([el.name, el.value]); return; }
      out.push([el.name, el.value]);
    });
    return out;
  }

  function applyValues(form, values) {
    var byName = {};
    values.forEach(function (pair) { (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]); });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.name === "csrf_token" || el.type === "submit" || el.type === "button") return;
      var got = byName[el.name];
      if (el.type === "checkbox" || el.type === "radio") { el.checked = !!got && got.indexOf(el.value) >= 0; return; }
      if (got) el.value = got[0];
    });
    form.dispatchEvent(new Event("change", { bubbles: true }));
    Array.prototype.forEach.call(form.querySelectorAll("input[data-code]"), function (input) {
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  function setupLocalCopy(form) {
    var key = form.dataset.draftKey;
    if (!STORE || !key) return;
    var saved = document.getElementById("draft-saved");
    if (saved) saved.dataset.keys.split(" ").forEach(function (k) { if (k) STORE.removeItem(k); });
    var initial = JSON.stringify(formValues(form));
    var stored = null;
    try { stored = JSON.parse(STORE.getItem(key) || "null"); } catch (e) { stored = null; }
    var banner = document.getElementById("local-copy");
    if (stored && JSON.stringify(stored.values) !== initial && banner) {
      var when = new Date(stored.at);
      banner.querySelector("[data-local-copy-time]").textContent = "lúc " +
        String(when.getHours()).padStart(2, "0") + ":" + String(when.getMinutes()).padStart(2, "0") +
        " ngày " + String(when.getDate()).padStart(2, "0") + "/" + String(when.getMonth() + 1).padStart(2, "0") +
        "/" + when.getFullYear();
      banner.hidden = false;
      banner.addEventListener("click", function (event) {
        var what = event.target.dataset && event.target.dataset.localCopy;
        if (what === "restore") applyValues(form, stored.values);
        if (what === "discard") STORE.removeItem(key);
        if (what) banner.hidden = true;
      });
    } else if (stored) {
      STORE.removeItem(key);  // the server already shows the same values
    }
    var timer = null;
    function keep() {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var values = formValues(form);
        if (JSON.stringify(values) === initial) return;
        try { STORE.setItem(key, JSON.stringify({ at: Date.now(), values: values })); } catch (e) { /* full */ }
      }, 300);
    }
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    // After "Lưu nháp" the form comes back at the field she last changed, not at the top.
    var lastField = null;
    form.addEventListener("change", function (event) { if (event.target.name) lastField = event.target.name; });
    form.addEventListener("input", function (event) { if (event.target.name) lastField = event.target.name; });
    if (saved && window.sessionStorage) {
      var name = window.sessionStorage.getItem("report-form-field");
      window.sessionStorage.removeItem("report-form-field");
      var target = name && form.querySelector('[name="' + name.replace(/"/g, "") + '"]');
      if (target) window.requestAnimationFrame(function () { target.scrollIntoView({ block: "center" }); });
    }
    form.addEventListener("submit", function () {
      try { if (lastField) window.sessionStorage.setItem("report-form-field", lastField); } catch (e) { /* private mode */ }
      clearTimeout(timer);
      try { STORE.setItem(key, JSON.stringify({ at: Date.now(), values: formValues(form) })); } catch (e) { /* full */ }
    });
  }

  /* The same rules as the server, for the case table the tests run on both sides
     (tests/form_rule_cases.py): suggestions, grade and the grade's reason. */
  window.ReportFormRules = {
    halfPoints: halfPoints,
    formatHalf: formatHalf,
    suggest: suggest,
    grade: function (total, gatesFull, bands) {
      return gradeOf({ dataset: bands }, total, gatesFull);
    },
    gradeNote: gradeNote
  };

  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
  var saved = document.getElementById("draft-saved");
  if (saved && STORE && !document.getElementById("report-form")) {
    saved.dataset.keys.split(" ").forEach(function (k) { if (k) STORE.removeItem(k); });
  }

  /* The notice that the month has its regular report concerns that month and kind only. */
  function setupMonthTaken(form) {
    var notice = document.querySelector(".month-taken");
    if (!notice) return;
    form.addEventListener("change", function () {
      var kind = form.querySelector("input[name=kind]:checked");
      notice.hidden = !(kind && kind.value === "regular" &&
        form.elements.year.value === notice.dataset.year &&
        form.elements.month.value === notice.dataset.month);
    });
  }

  var reportForm = document.getElementById("report-form");
  if (reportForm) setupMonthTaken(reportForm);
  if (reportForm) setupLocalCopy(reportForm);
  if (reportForm) setupReportForm(reportForm);
  var reviewForm = document.getElementById("review-form");
  if (reviewForm) setupReviewForm(reviewForm);
})();
