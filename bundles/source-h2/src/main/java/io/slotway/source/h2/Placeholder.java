package io.slotway.source.h2;
