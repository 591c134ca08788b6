package io.stentor.guard;

/**
 * What a signed join ticket says: who may listen to which space, on which tier, with which
 * priority, until when ({@code expiresAt}, epoch seconds). The nonce makes each ticket unique, so
 * one ticket holds one connection at a time.
 */
public record JoinTicket(String spaceId, String subject, Tier tier, Priority priority, long expiresAt, String nonce) {
}
