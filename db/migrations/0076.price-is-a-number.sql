-- numeric accepts 'NaN', and NaN >= 0 holds in PostgreSQL, so {"price": "NaN"} passed
-- services_price_check and was stored (found while testing issue 13's hostile input).
-- A price is a number. NOT VALID: a deployment holding such a row still migrates (new
-- writes are checked; fix the row, then VALIDATE CONSTRAINT).
ALTER TABLE booking.services
    ADD CONSTRAINT services_price_finite_check CHECK (price <> 'NaN') NOT VALID;
