// @ts-check
const isDev = process.env.NODE_ENV !== "production";

// OAuth sign-in posts a form that redirects to the provider, so the providers' hosts must be
// allowed as form targets when they are configured.
const oauthFormTargets = [
  process.env.AUTH_GITHUB_ID ? "https://github.com" : "",
  process.env.AUTH_GOOGLE_ID ? "https://accounts.google.com" : "",
].filter(Boolean);

const contentSecurityPolicy = [
  "default-src 'self'",
  // Next.js and next-themes inject small inline scripts; eval is only needed by the dev server.
  `script-src 'self' 'unsafe-inline'${isDev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https://avatars.githubusercontent.com https://lh3.googleusercontent.com",
  "font-src 'self' data:",
  `connect-src 'self'${isDev ? " ws: wss:" : ""}`,
  `form-action 'self' ${oauthFormTargets.join(" ")}`.trim(),
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "object-src 'none'",
].join("; ");

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Lets two builds of one checkout coexist (e.g. a dev server beside a test build).
  distDir: process.env.NEXT_DIST_DIR || ".next",
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "pg", "pg-boss"],
  poweredByHeader: false,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "Content-Security-Policy", value: contentSecurityPolicy },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
    ];
  },
};

module.exports = nextConfig;
