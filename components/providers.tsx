"use client";

import { ThemeProvider } from "next-themes";
import type { ReactNode } from "react";
import { Toaster } from "sonner";
import { TrpcReactProvider } from "./trpc/client";

export function Providers({ children }: { children: ReactNode }) {
  return (
    <ThemeProvider attribute="class" defaultTheme="system" enableSystem disableTransitionOnChange>
      <TrpcReactProvider>{children}</TrpcReactProvider>
      <ThemedToaster />
    </ThemeProvider>
  );
}

function ThemedToaster() {
  return <Toaster position="bottom-right" richColors closeButton theme="system" />;
}
