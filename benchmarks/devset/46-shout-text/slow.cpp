#include <cstdio>
#include <cstring>
#include <cctype>

char s[200005];

int main() {
    scanf("%s", s);
    int changed = 0;
    for (int i = 0; i < strlen(s); i++) {
        if (islower(s[i])) {
            s[i] = toupper(s[i]);
            changed++;
        }
    }
    printf("%d\n%s\n", changed, s);
    return 0;
}
