#include <cstdio>
#include <cstring>

char s[200005];

int main() {
    if (scanf("%200000s", s) != 1) return 1;
    int vowels = 0;
    { const auto pie_bound_1 = strlen(s); for (int i = 0; i < pie_bound_1; i++)
        if (strchr("aeiou", s[i])) vowels++; }
    printf("%d\n", vowels);
}
