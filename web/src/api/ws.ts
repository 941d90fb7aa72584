import { useEffect, useRef, useState } from 'react';
import { getToken } from './client';

export interface ChannelMessage {
  event: string;
  data: unknown;
  timestamp: string;
}

export type ChannelState = 'connecting' | 'open' | 'closed';

/**
 * Subscribes to `/ws/experiments/:id` or `/ws/batch-experiments/:id` with the session token
 * (sent as the `bearer` subprotocol, out of URLs and logs) and calls `onMessage` for every event.
 * Reconnects after a drop while `enabled`.
 */
export function useChannel(
  path: string | null,
  onMessage: (message: ChannelMessage) => void,
  enabled = true,
): ChannelState {
  const [state, setState] = useState<ChannelState>('connecting');
  const handler = useRef(onMessage);
  handler.current = onMessage;

  useEffect(() => {
    if (!path || !enabled) {
      setState('closed');
      return;
    }
    let socket: WebSocket | null = null;
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const connect = () => {
      const token = getToken();
      const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
      socket = new WebSocket(`${scheme}://${location.host}${path}`, token ? ['bearer', token] : []);
      setState('connecting');
      socket.onopen = () => setState('open');
      socket.onmessage = (e) => {
        try {
          handler.current(JSON.parse(String(e.data)) as ChannelMessage);
        } catch {
          // Not JSON: nothing to show.
        }
      };
      socket.onclose = (e) => {
        setState('closed');
        // 44xx: refused for good (bad id, no access); anything else: try again shortly.
        if (!stopped && (e.code < 4000 || e.code >= 4500)) retry = setTimeout(connect, 2000);
      };
    };
    connect();
    return () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      socket?.close();
    };
  }, [path, enabled]);

  return state;
}
