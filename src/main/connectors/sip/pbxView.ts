/**
 * What a PBX tells about its users, for the directory's live status: who is registered and who is in a call.
 * `kamailioRpc.ts` reads it from Kamailio's JSON-RPC (usrloc `ul.dump`, dialog `dlg.list`).
 */
export type PbxView = {
  /** User parts with at least one live registration (contact not expired). */
  registered: string[];
  /** User parts in an early (ringing) or confirmed dialog, as caller or callee. */
  inDialog: string[];
};

export interface PbxViewSource {
  /** Throws with a readable message when the PBX does not answer or answers garbage. */
  view(signal?: AbortSignal): Promise<PbxView>;
}
