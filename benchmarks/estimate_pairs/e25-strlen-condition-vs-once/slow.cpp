#include <bits/stdc++.h>
using namespace std;

static char s[1 << 16];
int main() {
    scanf("%65000s", s); int up = 0;
    for (size_t i = 0; i < strlen(s); i++) { if (s[i] >= 'a' && s[i] <= 'm') { s[i] -= 32; up++; } }
    printf("%d %c\n", up, s[strlen(s) / 2]);
}
