#include <cstdio>
#include <cstring>

char s[200005];

int main() {
    scanf("%200000s", s);
    int vowels = 0;
    const int n = (int)strlen(s);
    for (int i = 0; i < n; i++) {
        char c = s[i];
        if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') vowels++;
    }
    printf("%d\n", vowels);
    return 0;
}
