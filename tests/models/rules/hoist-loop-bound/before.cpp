#include <cstdio>
#include <cstring>

char s[200005];

int main() {
    if (scanf("%200000s", s) != 1) return 1;
    int vowels = 0;
    for (int i = 0; i < strlen(s); i++)
        if (strchr("aeiou", s[i])) vowels++;
    printf("%d\n", vowels);
}
