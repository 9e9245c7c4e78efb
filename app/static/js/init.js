// Load synchronously as the first thing in <body> (a classic script, no defer):
//   <body class="govuk-template__body">
//     <script src="/static/js/init.js"></script>
// It replaces GOV.UK Frontend's inline snippet, which our Content-Security-Policy
// (no inline script) would block. GOV.UK Frontend's initAll() only runs when
// <body> has the "govuk-frontend-supported" class.
(function () {
  var body = document.body;
  if (!body) {
    return;
  }
  body.className += ' js-enabled';
  if ('noModule' in HTMLScriptElement.prototype) {
    body.className += ' govuk-frontend-supported';
  }
})();
