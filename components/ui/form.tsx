import type { ComponentProps } from "react";

/**
 * A form that React submits, sent as a POST should it be submitted before the page has hydrated (a
 * quick Enter, a password manager that fills and submits). The server then renders the page again;
 * a GET, the browser's default, would put every field, passwords among them, in the address bar,
 * the browser's history and the server's request log.
 */
export function Form(props: Omit<ComponentProps<"form">, "method">) {
  return <form method="post" {...props} />;
}
