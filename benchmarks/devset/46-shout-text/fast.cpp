#include <cstdio>
#include <cstring>

char s[200005];

int main() {
    scanf("%s", s);
    int n = strlen(s), changed = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] >= 'a' && s[i] <= 'z') {
            s[i] -= 'a' - 'A';
            changed++;
        }
    }
    printf("%d\n%s\n", changed, s);
    return 0;
}
