package io.stentor.safety;

/**
 * One reported thing in a notice, located as precisely as audio allows: a space's audio
 * (optionally one speaker and a time range, in milliseconds from the start of the space), a
 * space's title or description, or a user's profile.
 */
public record NoticeItem(String kind, String spaceId, String speaker, Long fromMs, Long toMs, String userHandle) {

    static final String SPACE_AUDIO = "space_audio";
    static final String SPACE_TEXT = "space_text";
    static final String USER_PROFILE = "user_profile";
}
