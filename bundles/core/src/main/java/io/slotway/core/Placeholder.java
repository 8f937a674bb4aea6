package io.slotway.core;
