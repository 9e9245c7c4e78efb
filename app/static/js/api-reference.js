// Starts Swagger UI on /api/docs (a script file, so the Content-Security-Policy needs no
// 'unsafe-inline'). Without JavaScript the page still links to the OpenAPI description.
(function () {
  var target = document.getElementById('api-reference');
  if (!target || typeof window.SwaggerUIBundle !== 'function') {
    return;
  }
  // Only the list of operations: the page has its own heading and links, and Swagger UI's
  // own layout adds a second <main> landmark and low-contrast badges.
  function OperationsOnly(system) {
    return {
      components: {
        OperationsOnlyLayout: function () {
          var React = system.React;
          var Errors = system.getComponent('errors', true);
          var Operations = system.getComponent('operations', true);
          return React.createElement('div', { className: 'swagger-ui' },
            React.createElement(Errors, null),
            React.createElement(Operations, null));
        },
      },
    };
  }
  window.SwaggerUIBundle({
    url: target.getAttribute('data-openapi-url'),
    domNode: target,
    plugins: [OperationsOnly],
    layout: 'OperationsOnlyLayout',
    deepLinking: false,
    // Nothing is fetched from elsewhere: no validator badge, no remote config.
    validatorUrl: null,
    defaultModelsExpandDepth: 0,
    // Its colours on dark grey fail WCAG contrast; plain text reads as well.
    syntaxHighlight: false,
  });
})();
