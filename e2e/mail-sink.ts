/**
 * The browser tests' mail server: a real SMTP server (the console under test sends to it with
 * SMTP_URL) plus a small HTTP endpoint the tests read received mails from.
 *
 *   npx tsx e2e/mail-sink.ts <smtp port> <http port>
 *   GET /messages?to=<address>  → the mails received for that address, oldest first
 */
import http from "node:http";
import { startTestSmtpServer } from "@/server/services/mail/testing";

const [smtpPort, httpPort] = process.argv.slice(2).map(Number);
if (!smtpPort || !httpPort) throw new Error("usage: mail-sink.ts <smtp port> <http port>");

async function main(smtpPort: number, httpPort: number) {
  const smtp = await startTestSmtpServer(smtpPort);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://sink");
    if (url.pathname === "/health") return void res.end("ok");
    if (url.pathname !== "/messages") {
      res.statusCode = 404;
      return void res.end();
    }
    const to = url.searchParams.get("to")?.toLowerCase();
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(smtp.received.filter((m) => !to || m.to.includes(to))));
  });
  server.listen(httpPort, "127.0.0.1", () => console.log(`mail sink: SMTP on ${smtp.port}, HTTP on ${httpPort}`));

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      server.close();
      void smtp.close().then(() => process.exit(0));
    });
  }
}

void main(smtpPort, httpPort);
